// Finishing a turn (03, runtime loop steps 3–5): under the gate, the turn planner decides everything the
// run's end changes (src/core/turn/planner.ts); this module persists it as one commit and tells the
// loop what to do next.

import { planTurnEnd } from '../../core/turn/planner.js';
import type { TurnVerdict } from '../../core/turn/verdict.js';
import { RECEIPT_RECORD_VERSION } from '../../store/records.js';
import { isCurrent } from '../session/refusals.js';
import type { RunOutcome } from './run-execute.js';
import type { FinishResult } from './run-setback.js';
import { detachOrRetry, finalizationFailed, GO_ON, rollbackOrRetry } from './run-setback.js';
import type { StartedRun } from './run-start.js';
import { verdictOf } from './run-verdict.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import type { SessionEntry } from '../session/entry.js';
import type { LoopHandle } from '../session/entry-types.js';

/** The loop is no longer the session's (or the session is gone): exit without touching state. */
const STALE: FinishResult = { next: 'exit', reason: 'stale loop' };

function backoff(ctx: RuntimeContext, attempts: number): number {
  const { base, max } = ctx.options.retryBackoffMs;
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

/** Ends the turn `started` of `loop` with `outcome`. */
export async function finishBatch(
  ctx: RuntimeContext,
  entry: SessionEntry,
  loop: LoopHandle,
  started: StartedRun,
  outcome: RunOutcome,
): Promise<FinishResult> {
  const { runId } = started;
  if (!isCurrent(ctx, entry)) {
    entry.completions.settleAll({
      status: 'runtime_terminated',
      reason: 'runtime session unregistered',
    });
    return STALE;
  }
  if (entry.machine.run?.runId !== runId) return entry.loop === loop ? GO_ON : STALE;
  if (entry.loop !== loop) {
    // A stale attachment: another loop owns the session now. Roll the run back; nothing was consumed.
    return rollbackOrRetry(ctx, entry, runId, STALE);
  }
  const verdict = verdictOf(ctx, started, outcome);
  if (verdict.type === 'rollback') return rollbackOrRetry(ctx, entry, runId, GO_ON);
  return endTurn(ctx, entry, started, verdict);
}

/** Plans the end of the turn with `verdict`, then persists and installs it in one commit. */
async function endTurn(
  ctx: RuntimeContext,
  entry: SessionEntry,
  started: StartedRun,
  verdict: TurnVerdict,
): Promise<FinishResult> {
  const { runId } = started;
  const plan = planTurnEnd(
    {
      machine: entry.machine,
      ledger: entry.ledger,
      runId,
      attempt: started.primitive.attempt,
      receiptSeq: entry.receiptSeq,
      approvals: entry.approvals,
      maxAttempts: ctx.options.maxAttempts,
      now: ctx.nowIso(),
    },
    verdict,
  );
  if (!plan.ok) {
    // A bug (the shell should never hand the machine an end it refuses); the run must not stay bound.
    const { input, guard } = plan.rejection;
    const reason = `bug: the machine refused the end of run ${runId} (${input}: guard ${guard}); the run was rolled back and the executor detached`;
    ctx.log.error(reason, { sessionId: entry.sessionId, runId });
    return detachOrRetry(ctx, entry, runId, reason);
  }
  try {
    await commitChange(ctx, entry, {
      machine: plan.machine,
      patches: [plan.inputs.patch],
      events: plan.events,
      receipt: { recordVersion: RECEIPT_RECORD_VERSION, ...plan.receipt },
      ...(plan.transcript.length > 0 ? { transcript: { runId, messages: plan.transcript } } : {}),
      ...(plan.approvals !== null ? { approvals: plan.approvals } : {}),
    });
  } catch (error: unknown) {
    const completed = verdict.type === 'completed' || verdict.type === 'awaiting_approval';
    return finalizationFailed(ctx, entry, started, error, completed);
  }
  if (plan.requeuedAttempts === null) return GO_ON;
  return { next: 'continue', backoffMs: backoff(ctx, plan.requeuedAttempts), setback: true };
}
