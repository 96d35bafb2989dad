// The verdict on a run, from what its executor returned, threw or was aborted with: the turn planner's
// input (src/core/turn/planner.ts). A forced shutdown is no verdict: the run is rolled back.

import type { JsonValue } from '../../core/json.js';
import type { RunFacts, TurnVerdict } from '../../core/turn/verdict.js';
import { pendingApprovals } from './approval-requests.js';
import type { RunResult } from '../executor.js';
import type { RunOutcome } from './run-execute.js';
import { toolCallsOf, usageOf } from './run-result-facts.js';
import type { StartedRun } from './run-start.js';
import type { RuntimeContext } from '../runtime-context.js';

/** A run's verdict, or `rollback` when it must be undone (nothing it did is kept). */
export type RunVerdict = TurnVerdict | { readonly type: 'rollback' };

function cancelled(reason: string | null, result: RunResult | null): TurnVerdict {
  return {
    type: 'cancelled',
    reason,
    append: result?.append ?? [],
    facts: toolCallsOf(result),
  };
}

/** A result the executor returned (cancelled included). */
function resultVerdict(ctx: RuntimeContext, runId: string, result: RunResult): TurnVerdict {
  const append = result.append ?? [];
  const facts: RunFacts = { ...usageOf(result), ...toolCallsOf(result) };
  const completed = (output: JsonValue | undefined): TurnVerdict => ({
    type: 'completed',
    output,
    append,
    facts,
  });
  switch (result.status) {
    case 'completed':
      return completed(result.output);
    case 'completed_without_result':
      return completed(undefined);
    case 'callback_pending':
      return completed({
        status: 'callback_pending',
        toolName: result.toolName,
        args: result.args,
      });
    case 'awaiting_approval':
      return {
        type: 'awaiting_approval',
        requested: pendingApprovals(ctx, runId, result.approvals),
        append,
        facts,
      };
    case 'cancelled':
      // Null: the planner tells a stop at a requested boundary from the executor's own.
      return cancelled(null, result);
  }
}

/** The verdict on the run `started` that ended with `outcome`. */
export function verdictOf(
  ctx: RuntimeContext,
  started: StartedRun,
  outcome: RunOutcome,
): RunVerdict {
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
      return resultVerdict(ctx, started.runId, outcome.result);
    case 'threw':
      return { type: 'failed', ...outcome.failure };
    case 'aborted':
      switch (outcome.abort.kind) {
        // A forced shutdown is a crash that was polite enough to say so: the turn re-runs after the restart.
        case 'shutdown':
          return { type: 'rollback' };
        case 'timeout':
          return {
            type: 'failed',
            cause: 'timeout',
            retryable: true,
            message: outcome.abort.message,
          };
        case 'cancel':
          return cancelled(outcome.abort.message, outcome.result);
      }
  }
}
