// Finishing a turn (03, runtime loop steps 3–5): under the gate, decide the run's outcome through the
// machine, end its inputs in the ledger, and persist the whole step as one commit.

import type { PendingApproval } from '../core/approvals.js';
import type { ErrorInfo, InputOutcome } from '../core/input-record.js';
import type { JsonValue } from '../core/json.js';
import type { RunEnd } from '../core/ledger-run-end.js';
import { planRunEnd } from '../core/ledger-run-end.js';
import { classifyCompletion } from '../core/machine-classifiers.js';
import type { MachineInput } from '../core/machine-inputs.js';
import type { FailureCause } from '../core/machine-state.js';
import { stepAll } from '../core/session-machine.js';
import { RECEIPT_RECORD_VERSION } from '../store/records.js';
import { pendingApprovals } from './approval-requests.js';
import type { RunResult } from './executor.js';
import { outputOf, toolCallsOf, usageOf } from './run-result-facts.js';
import { isCurrent } from './machine-errors.js';
import type { RunOutcome } from './run-execute.js';
import type { StartedRun } from './run-start.js';
import type { RuntimeContext } from './runtime-context.js';
import type { LoopHandle, SessionEntry } from './session-entry.js';
import type { EventDraft } from './session-events.js';
import { commitChange } from './session-commit.js';
import type { FinishResult } from './run-setback.js';
import { detachOrRetry, finalizationFailed, GO_ON, rollbackOrRetry } from './run-setback.js';

/** The loop is no longer the session's (or the session is gone): exit without touching state. */
const STALE: FinishResult = { next: 'exit', reason: 'stale loop' };

type Verdict =
  | { readonly type: 'rollback' }
  | { readonly type: 'completed'; readonly result: RunResult }
  | {
      readonly type: 'failed';
      readonly cause: FailureCause;
      readonly retryable: boolean;
      readonly message: string;
    }
  | {
      readonly type: 'cancelled';
      readonly reason: string;
      readonly append: readonly JsonValue[];
      readonly result: RunResult | null;
    };

function verdictOf(outcome: RunOutcome, entry: SessionEntry, started: StartedRun): Verdict {
  if (started.conflict !== null) {
    return {
      type: 'failed',
      cause: 'primitive_rejected',
      retryable: false,
      message: `conflicting turn metadata: ${started.conflict}`,
    };
  }
  switch (outcome.kind) {
    case 'result':
      if (outcome.result.status !== 'cancelled')
        return { type: 'completed', result: outcome.result };
      return {
        type: 'cancelled',
        reason:
          entry.machine.turn.status === 'cancelled'
            ? 'cancelled after boundary'
            : 'cancelled by the executor',
        append: outcome.result.append ?? [],
        result: outcome.result,
      };
    case 'aborted':
      // A forced shutdown is a crash that was polite enough to say so: the turn is re-run after the restart.
      if (outcome.abort.kind === 'shutdown') return { type: 'rollback' };
      if (outcome.abort.kind === 'timeout')
        return {
          type: 'failed',
          cause: 'timeout',
          retryable: true,
          message: outcome.abort.message,
        };
      return {
        type: 'cancelled',
        reason: outcome.abort.message,
        append: outcome.result?.append ?? [],
        result: outcome.result,
      };
    case 'threw':
      return { type: 'failed', ...outcome.failure };
  }
}

function completedOutcome(
  entry: SessionEntry,
  runId: string,
  output: JsonValue | undefined,
  machine: typeof entry.machine,
): InputOutcome {
  const hasResult = output !== undefined;
  const cls = classifyCompletion(machine, {
    kind: 'run',
    runId,
    hasResult,
    hasError: false,
    finalization: 'ok',
  });
  if (cls.ok && cls.class === 'completed' && output !== undefined)
    return { status: 'completed', runId, result: output };
  return { status: 'completed_without_result', runId };
}

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
  const verdict = verdictOf(outcome, entry, started);
  if (verdict.type === 'rollback') return rollbackOrRetry(ctx, entry, runId, GO_ON);
  const now = ctx.nowIso();
  let inputs: MachineInput[];
  let end: RunEnd;
  let events: EventDraft[];
  let append: readonly JsonValue[] = [];
  let result: JsonValue = null;
  let approvals: readonly PendingApproval[] | undefined;
  switch (verdict.type) {
    case 'completed': {
      inputs = [
        { type: 'RunCompleted', runId },
        { type: 'Commit', runId },
      ];
      const probe = stepAll(entry.machine, inputs);
      const asked =
        verdict.result.status === 'awaiting_approval'
          ? pendingApprovals(ctx, runId, verdict.result.approvals)
          : null;
      const inputOutcome = completedOutcome(
        entry,
        runId,
        outputOf(verdict.result, asked?.approvals ?? []),
        probe.ok ? probe.state : entry.machine,
      );
      end = { type: 'consumed', outcome: inputOutcome };
      events = [
        {
          type: 'run.completed',
          data: {
            runId,
            resultClass: inputOutcome.status,
            ...usageOf(verdict.result),
            ...toolCallsOf(verdict.result),
          },
        },
        ...(asked?.events ?? []),
      ];
      if (asked !== null) approvals = [...entry.approvals, ...asked.approvals];
      append = verdict.result.append ?? [];
      result = inputOutcome.status === 'completed' ? inputOutcome.result : null;
      break;
    }
    case 'failed': {
      inputs = [
        { type: 'RunFailed', runId, cause: verdict.cause, message: verdict.message },
        { type: 'Fail', runId },
      ];
      const error: ErrorInfo = {
        code: verdict.cause,
        message: verdict.message,
        retryable: verdict.retryable,
      };
      end = {
        type: 'failed',
        retryable: verdict.retryable,
        maxAttempts: ctx.options.maxAttempts,
        error,
      };
      events = [
        {
          type: 'run.failed',
          data: {
            runId,
            cause: verdict.cause,
            retryable: verdict.retryable,
            message: verdict.message,
          },
        },
      ];
      result = { error: verdict.message };
      break;
    }
    case 'cancelled':
      inputs = [
        { type: 'RunCancelled', runId },
        { type: 'CancelRun', runId },
      ];
      end = { type: 'cancelled', reason: verdict.reason };
      events = [
        {
          type: 'run.cancelled',
          data: { runId, reason: verdict.reason, ...toolCallsOf(verdict.result) },
        },
      ];
      append = verdict.append;
      break;
  }
  const stepped = stepAll(entry.machine, inputs);
  if (!stepped.ok) {
    // A bug (the shell should never hand the machine an end it refuses); the run must not stay bound.
    const { input, guard } = stepped.rejection;
    const reason = `bug: the machine refused the end of run ${runId} (${input}: guard ${guard}); the run was rolled back and the executor detached`;
    ctx.log.error(reason, { sessionId: entry.sessionId, runId });
    return detachOrRetry(ctx, entry, runId, reason);
  }
  const plan = planRunEnd(entry.ledger, runId, end, now);
  const receipt = {
    recordVersion: RECEIPT_RECORD_VERSION,
    runId,
    seq: entry.receiptSeq + 1,
    outcome: stepped.state.turn.outcome ?? 'failed',
    resultClass:
      verdict.type === 'completed'
        ? end.type === 'consumed'
          ? end.outcome.status
          : 'completed'
        : verdict.type,
    // Every member of the run: the batch it started with and the steer inputs injected at its boundaries.
    inputIds: plan.records.map((r) => r.header.inputId),
    attempt: started.primitive.attempt,
    at: now,
    result,
  } as const;
  try {
    await commitChange(ctx, entry, {
      machine: stepped,
      patches: [plan.patch],
      events,
      receipt,
      ...(append.length > 0 ? { transcript: { runId, messages: append } } : {}),
      ...(approvals !== undefined ? { approvals } : {}),
    });
  } catch (error: unknown) {
    return finalizationFailed(ctx, entry, started, error, verdict.type === 'completed');
  }
  const requeued = plan.records.filter((r) => r.state.status === 'queued');
  const attempts = Math.max(0, ...requeued.map((r) => r.attempts));
  return requeued.length > 0
    ? { next: 'continue', backoffMs: backoff(ctx, attempts), setback: true }
    : GO_ON;
}
