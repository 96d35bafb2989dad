// Starting a batch (03, runtime loop step 1): under the gate, ask the machine, pick and stage the batch.

import type { InputRecord } from '../../core/ledger/input-record.js';
import { planExpire, planStageBatch } from '../../core/ledger/batch.js';
import { queueAdmission } from '../../core/machine/classifiers.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import { stepAll } from '../../core/machine/session-machine.js';
import type { RunPrimitive } from '../executor.js';
import { uuidv7 } from '../ids.js';
import { isCurrent } from '../session/refusals.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import type { LoopHandle } from '../session/entry-types.js';
import { commitChange } from '../session/commit.js';
import { expireApprovals, supersedeApprovals } from '../approvals/denials.js';
import { acceptsInput } from '../operations/input-admit.js';
import { mergeTurnMetadata, stagedInput } from './turn-metadata.js';

/** A staged batch, ready for the executor. `conflict` is set when the inputs' metadata cannot be merged. */
export interface StartedRun {
  readonly runId: string;
  readonly records: readonly InputRecord[];
  readonly primitive: RunPrimitive;
  readonly conflict: string | null;
}

/** The debounce wait before the next batch: how long until the session has been quiet long enough. */
export function debounceWait(ctx: RuntimeContext, entry: SessionEntry): number {
  const head = [...entry.ledger.lanes.steer, ...entry.ledger.lanes.queue]
    .map((id) => entry.ledger.live.get(id))
    .find((r) => r !== undefined);
  const debounce = head?.header.debounceMs ?? ctx.options.debounceMs;
  if (debounce <= 0) return 0;
  return Math.max(0, entry.lastInputAt + debounce - ctx.clock.now());
}

/** True when a prompt waits in either lane. */
function hasQueuedPrompt(entry: SessionEntry): boolean {
  return [...entry.ledger.lanes.queue, ...entry.ledger.lanes.steer].some(
    (id) => entry.ledger.live.get(id)?.payload.kind === 'prompt',
  );
}

/** Expires queued inputs past their time to live (a durable, terminal change). */
async function expire(ctx: RuntimeContext, entry: SessionEntry): Promise<void> {
  const plan = planExpire(entry.ledger, ctx.nowIso());
  if (plan !== null) await commitChange(ctx, entry, { patches: [plan.patch] });
}

/**
 * Stages the next batch for `loop`, or returns null when the machine admits none, nothing is queued,
 * or the loop is no longer the session's. Staging is not persisted: a crash requeues.
 */
export async function startBatch(
  ctx: RuntimeContext,
  entry: SessionEntry,
  loop: LoopHandle,
): Promise<StartedRun | null> {
  // A loop asked to exit never starts a new turn (a stop beats queued work; a forced close must not
  // wait for a turn that began after it).
  if (!isCurrent(ctx, entry) || entry.loop !== loop || loop.state !== 'running') return null;
  await expire(ctx, entry);
  await expireApprovals(ctx, entry);
  // Tool calls waiting for a decision hold the session: the turn that resumes them needs every
  // decision, and other work waits behind them. A prompt never waits behind them: one admitted while
  // they are pending supersedes them (ops-accept), and so does one queued before they were asked for.
  // A session that takes no input can never receive them: it drains (the executor closes the calls).
  if (entry.approvals.length > 0 && acceptsInput(entry)) {
    if (hasQueuedPrompt(entry)) await supersedeApprovals(ctx, entry);
    if (entry.approvals.length > 0) return null;
  }
  const admission = queueAdmission(entry.machine);
  if (!admission.admit) return null;
  const runId = uuidv7(ctx.clock.now());
  const plan = planStageBatch(entry.ledger, runId, ctx.nowIso());
  if (plan === null) return null;
  const input: MachineInput =
    admission.via === 'Prepare'
      ? { type: 'Prepare', sessionId: entry.sessionId, runId }
      : { type: 'DrainQueuedRun', runId };
  // Staged tool visibility becomes active as the turn starts (its effect records the change).
  const { staged, active } = entry.machine.visibility;
  const result = stepAll(entry.machine, [
    input,
    ...(staged.revision === active.revision
      ? []
      : [{ type: 'ApplyStagedVisibility', revision: staged.revision } as const]),
  ]);
  if (!result.ok) return null;
  const records = plan.records;
  const merged = mergeTurnMetadata(records);
  const head = records[0] as InputRecord;
  const primitive: RunPrimitive = {
    runId,
    sessionId: entry.sessionId,
    attempt: Math.max(...records.map((r) => r.attempts)),
    executionKind: head.decision.executionKind,
    boundary: head.decision.boundary,
    inputs: records.map(stagedInput),
    metadata: merged.ok ? merged.metadata : { values: {} },
  };
  await commitChange(ctx, entry, {
    machine: result,
    patches: [plan.patch],
    events: [
      {
        type: 'run.started',
        data: { runId, inputIds: records.map((r) => r.header.inputId), attempt: primitive.attempt },
      },
    ],
  });
  return { runId, records, primitive, conflict: merged.ok ? null : merged.conflict };
}
