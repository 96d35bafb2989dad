// How a turn's run ended, in the terms the turn planner needs: the runtime builds a verdict from what
// the executor returned, threw or was aborted with (its facts already checked), and plans from it.

import type { PendingApproval } from '../approvals.js';
import type { JsonValue } from '../json.js';
import type { FailureCause } from '../machine/state.js';
import type { ToolCallRecord } from '../runtime-event.js';

/** Token usage an executor reported (whole non-negative numbers only). */
export interface TokenUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
}

/** What a turn reports besides its messages, as its run event records it. */
export interface RunFacts {
  readonly usage?: TokenUsage;
  readonly toolCalls?: readonly ToolCallRecord[];
}

/**
 * The verdict on a run that ends (a rollback is not one: nothing was consumed, the run is undone).
 * - `completed`: the inputs are consumed with `output` (absent: completed without a result);
 * - `awaiting_approval`: completed too, leaving `requested` as pending approvals (ids, hashes and
 *   times minted by the runtime);
 * - `failed`: retried while `retryable` and attempts remain, otherwise settled failed;
 * - `cancelled`: with the caller's `reason`, or null when the executor stopped by itself (the planner
 *   tells a stop at a requested boundary from one of the executor's own).
 */
export type TurnVerdict =
  | {
      readonly type: 'completed';
      readonly output: JsonValue | undefined;
      readonly append: readonly JsonValue[];
      readonly facts: RunFacts;
    }
  | {
      readonly type: 'awaiting_approval';
      readonly requested: readonly PendingApproval[];
      readonly append: readonly JsonValue[];
      readonly facts: RunFacts;
    }
  | {
      readonly type: 'failed';
      readonly cause: FailureCause;
      readonly retryable: boolean;
      readonly message: string;
    }
  | {
      readonly type: 'cancelled';
      readonly reason: string | null;
      readonly append: readonly JsonValue[];
      readonly facts: Pick<RunFacts, 'toolCalls'>;
    };
