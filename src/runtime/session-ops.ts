// Wires a session's background-operations registry to the runtime: persistence through the store with
// the session's fence, continuations through acceptInput, op.* events on the session's stream.

import { BurrowError, isBurrowError } from '../core/errors.js';
import { EPHEMERAL_EVENT_TYPES } from '../core/runtime-event.js';
import { BackgroundOps } from './background-ops.js';
import { requireEntry } from './machine-errors.js';
import { acceptInput } from './ops-accept.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionEntry } from './session-entry.js';

/** Creates the registry of `entry` (not yet recovered). */
export function createSessionOps(ctx: RuntimeContext, entry: SessionEntry): BackgroundOps {
  return new BackgroundOps({
    sessionId: entry.sessionId,
    epochId: entry.epochId,
    now: () => ctx.nowIso(),
    persist: async (change) => {
      if (ctx.store === null) return;
      try {
        await ctx.store.commit(entry.runtimeId, change, entry.fence);
      } catch (error: unknown) {
        if (isBurrowError(error)) throw error;
        throw new BurrowError(
          'store_unavailable',
          'the store failed; nothing was acknowledged',
          { sessionId: entry.sessionId },
          { cause: error },
        );
      }
    },
    admitContinuation: async (input) => {
      await acceptInput(ctx, entry.sessionId, input, {}, false);
    },
    isIdle: () =>
      entry.machine.run === null &&
      (entry.machine.phase === 'idle' || entry.machine.phase === 'attached'),
    emit: (draft) => {
      // Published now; written with the session's next commit (like staging and boundary events).
      const [event] = entry.events.emitNow([draft]);
      if (
        ctx.store !== null &&
        event !== undefined &&
        !EPHEMERAL_EVENT_TYPES.includes(event.type)
      ) {
        entry.deferredEvents = [...entry.deferredEvents, event];
      }
    },
  });
}

/** The registry of a session, created on first use (most sessions never start an operation). */
export function sessionOps(ctx: RuntimeContext, sessionId: string): BackgroundOps {
  const entry = requireEntry(ctx, sessionId);
  entry.ops ??= createSessionOps(ctx, entry);
  return entry.ops;
}
