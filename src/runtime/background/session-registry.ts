// Wires a session's background-operations registry to the runtime: every step is written through the
// session's one commit path (under its gate, with its fence, events included), continuations are
// accepted into the same entry, and undelivered wakes become operator notices.

import { toError } from '../../core/errors.js';
import { BackgroundOps } from './registry.js';
import type { OpsPersistChange } from './contract.js';
import { requireEntry } from '../session/refusals.js';
import { acceptOnEntry } from '../operations/input-accept.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import type { SessionEntry } from '../session/entry.js';
import { BurrowError } from '../../core/errors.js';

/** The commit of one ops step, for a caller that already holds the session's gate. */
export function commitOpsChange(
  ctx: RuntimeContext,
  entry: SessionEntry,
  change: OpsPersistChange,
): Promise<void> {
  return commitChange(ctx, entry, {
    events: change.events,
    ...(change.operations.length > 0 ? { operations: change.operations } : {}),
    ...(change.opsCursor !== undefined ? { opsCursor: change.opsCursor } : {}),
  });
}

/** Runs `work` under the gate of `entry`, if it is still the registered entry of its session. */
async function underGate(
  ctx: RuntimeContext,
  entry: SessionEntry,
  work: () => Promise<void>,
): Promise<void> {
  await ctx.gate.with(entry.sessionId, async () => {
    if (entry.removed || ctx.sessions.get(entry.sessionId) !== entry) {
      throw new BurrowError('session_not_found', `no session ${entry.sessionId}`, {
        sessionId: entry.sessionId,
      });
    }
    await work();
  });
}

/** Creates the registry of `entry` (not yet recovered). */
export function createSessionOps(ctx: RuntimeContext, entry: SessionEntry): BackgroundOps {
  return new BackgroundOps({
    sessionId: entry.sessionId,
    epochId: entry.epochId,
    now: () => ctx.nowIso(),
    persist: (change) => underGate(ctx, entry, () => commitOpsChange(ctx, entry, change)),
    // Into this entry, as its other steps: a continuation never reaches a later incarnation.
    admitContinuation: (input) =>
      underGate(ctx, entry, async () => {
        if (ctx.closing) {
          throw new BurrowError('not_ready', 'the runtime is shutting down', {
            sessionId: entry.sessionId,
            phase: 'closing',
          });
        }
        await acceptOnEntry(ctx, entry, input, {}, false);
      }),
    isIdle: () =>
      entry.machine.run === null &&
      (entry.machine.phase === 'idle' || entry.machine.phase === 'attached'),
    notice: (message) => {
      ctx.log.warn(message, { sessionId: entry.sessionId });
      // Best effort and not awaited: the notice is for operators; the step it reports already landed.
      void underGate(ctx, entry, () =>
        commitChange(ctx, entry, {
          events: [{ type: 'runtime.notice', data: { kind: 'ops', message } }],
        }),
      ).catch((error: unknown) =>
        ctx.log.warn('could not record an operations notice', {
          sessionId: entry.sessionId,
          error: toError(error).message,
        }),
      );
    },
  });
}

/** The registry of a session, created on first use (most sessions never start an operation). */
export function sessionOps(ctx: RuntimeContext, sessionId: string): BackgroundOps {
  const entry = requireEntry(ctx, sessionId);
  return entry.ensureOps(() => createSessionOps(ctx, entry));
}
