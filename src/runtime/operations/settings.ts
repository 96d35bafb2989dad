// Session settings and service turns: silent intents, tool visibility, transcript-edit admission,
// service turns run outside the loop, and live LLM reconfiguration through the application's host.

import { BurrowError } from '../../core/errors.js';
import type { JsonValue } from '../../core/json.js';
import type { TranscriptEditVerdict } from '../../core/machine/effects.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import { runMembers } from '../../core/ledger/input-ledger.js';
import { stepAll } from '../../core/machine/session-machine.js';
import type { ToolEntry, ToolFilter, VisibilitySide } from '../../core/tool-visibility.js';
import { RECEIPT_RECORD_VERSION } from '../../store/records.js';
import { uuidv7 } from '../ids.js';
import { refusalError, stepOrThrow } from '../session/refusals.js';
import { activeEntry, withSession } from '../session/access.js';
import type { OperationOptions } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import type { EventDraft } from '../session/events.js';

async function setting(
  ctx: RuntimeContext,
  sessionId: string,
  inputs: readonly MachineInput[],
  options: OperationOptions,
) {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      const result = stepAll(entry.machine, inputs);
      if (!result.ok) throw refusalError(sessionId, result);
      const events: EventDraft[] = [];
      if (
        result.state.visibility.staged.revision !== entry.machine.visibility.staged.revision ||
        result.state.visibility.active.revision !== entry.machine.visibility.active.revision
      ) {
        events.push({
          type: 'visibility.changed',
          data: { revision: result.state.visibility.staged.revision },
        });
      }
      await commitChange(ctx, entry, { machine: result, events });
      return result.state;
    },
    options.signal,
  );
}

/** Replaces the silent-intent set (peer requests with these intents never wake a turn). */
export async function setSessionSilentIntents(
  ctx: RuntimeContext,
  sessionId: string,
  intents: readonly string[],
  options: OperationOptions,
): Promise<void> {
  await setting(ctx, sessionId, [{ type: 'SetSilentIntents', sessionId, intents }], options);
}

/** Replaces the session's tool catalog (filters may only name known tools). */
export async function replaceToolCatalog(
  ctx: RuntimeContext,
  sessionId: string,
  tools: readonly ToolEntry[],
  options: OperationOptions,
): Promise<void> {
  await setting(ctx, sessionId, [{ type: 'ReplaceToolCatalog', tools }], options);
}

/** Stages a filter; it becomes visible at the next boundary. Returns the minted revision. */
export async function stagePersistentFilter(
  ctx: RuntimeContext,
  sessionId: string,
  filter: ToolFilter,
  options: OperationOptions,
): Promise<number> {
  return (await setting(ctx, sessionId, [{ type: 'StagePersistentFilter', filter }], options))
    .visibility.staged.revision;
}

/** Requests deferred tools; they load at the next boundary. Returns the minted revision. */
export async function requestDeferredTools(
  ctx: RuntimeContext,
  sessionId: string,
  names: readonly string[],
  options: OperationOptions,
): Promise<number> {
  return (await setting(ctx, sessionId, [{ type: 'RequestDeferredTools', names }], options))
    .visibility.staged.revision;
}

/** Publishes the committed visible set after validation; returns what was installed. */
export async function publishCommittedVisibleSet(
  ctx: RuntimeContext,
  sessionId: string,
  sides: { readonly active: VisibilitySide; readonly staged: VisibilitySide },
  options: OperationOptions,
): Promise<{ active: VisibilitySide; staged: VisibilitySide }> {
  const state = await setting(
    ctx,
    sessionId,
    [{ type: 'PublishCommittedVisibleSet', ...sides }],
    options,
  );
  return { active: state.visibility.active, staged: state.visibility.staged };
}

/** The machine's verdict on a transcript edit; callers deny the edit on any error (fail closed). */
export function resolveTranscriptEditAdmission(
  ctx: RuntimeContext,
  sessionId: string,
  runtimeRunning: boolean,
  hasActiveInputs: boolean,
): Promise<TranscriptEditVerdict> {
  return withSession(ctx, sessionId, (entry) => {
    const result = stepOrThrow(sessionId, entry.machine, {
      type: 'ResolveTranscriptEditAdmission',
      runtimeRunning,
      hasActiveInputs,
    });
    const verdict = result.effects.find((e) => e.type === 'TranscriptEditAdmissionResolved');
    if (verdict?.type !== 'TranscriptEditAdmissionResolved')
      throw new BurrowError('internal', 'transcript-edit admission emitted no verdict', {
        sessionId,
      });
    return verdict.verdict;
  });
}

/** Binds a run for a turn the application runs itself (before an executor is attached). */
export function beginServiceTurn(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<{ runId: string }> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      const runId = uuidv7(ctx.clock.now());
      const prepared = stepOrThrow(sessionId, entry.machine, { type: 'Prepare', sessionId, runId });
      await commitChange(ctx, entry, {
        machine: prepared,
        events: [{ type: 'run.started', data: { runId, inputIds: [], attempt: 1 } }],
      });
      return { runId };
    },
    options.signal,
  );
}

/** Records a turn that ran outside the loop as committed: running, with a bound run and no active inputs. */
export function commitServiceTurnTerminalReceipt(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      const run = entry.machine.run;
      if (run === null || runMembers(entry.ledger, run.runId).length > 0) {
        throw new BurrowError('not_ready', `session ${sessionId} has no service turn to commit`, {
          sessionId,
          phase: entry.machine.phase,
          guard: 'service_turn_bound',
        });
      }
      const committed = stepAll(entry.machine, [
        { type: 'RunCompleted', runId: run.runId },
        { type: 'ServiceTurnCommitted', runId: run.runId },
      ]);
      if (!committed.ok) throw refusalError(sessionId, committed);
      const at = ctx.nowIso();
      await commitChange(ctx, entry, {
        machine: committed,
        receipt: {
          recordVersion: RECEIPT_RECORD_VERSION,
          runId: run.runId,
          seq: entry.receiptSeq + 1,
          outcome: 'completed',
          resultClass: 'completed_without_result',
          inputIds: [],
          attempt: 1,
          at,
          result: null,
        },
        events: [
          {
            type: 'run.completed',
            data: { runId: run.runId, resultClass: 'completed_without_result' },
          },
        ],
      });
      entry.setProvisionalInterrupt(null);
      entry.loop?.wake();
    },
    options.signal,
  );
}

/** Switches a session's model or provider for its next turn through the application's host. */
export async function reconfigureSessionLlm(
  ctx: RuntimeContext,
  sessionId: string,
  change: JsonValue,
  options: OperationOptions,
): Promise<JsonValue | void> {
  options.signal?.throwIfAborted();
  await activeEntry(ctx, sessionId, options.signal);
  const host = ctx.llmHost;
  if (host === null)
    throw new BurrowError(
      'not_ready',
      'no LLM reconfigure host is installed (setSessionLlmReconfigureHost)',
      { sessionId, guard: 'llm_host' },
    );
  return host.reconfigure(sessionId, change);
}
