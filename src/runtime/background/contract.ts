// The contract of a session's background-operations registry: what it needs from the session, what
// its steps write and report, and how a finish outcome maps to a step of the ops lifecycle.

import type { InputSubmission } from '../../core/input-kinds.js';
import type { JsonValue } from '../../core/json.js';
import type { OpStepInput } from '../../core/background/rows.js';
import type { Operation } from '../../core/background/state.js';
import type { OperationRecord, OpsCursorRecord } from '../../store/records.js';
import type { EventDraft } from '../session/events.js';

/**
 * What one step writes in one commit of its session: the changed durable operations, the feed's
 * position (when it or a durable operation changed) and the step's `op.*` events.
 */
export interface OpsPersistChange {
  readonly operations: OperationRecord[];
  readonly opsCursor?: OpsCursorRecord;
  readonly events: readonly EventDraft[];
}

/** What a {@link BackgroundOps} needs from its session. */
export interface BackgroundOpsOptions {
  readonly sessionId: string;
  /** The epoch of a fresh registry (recovery keeps the stored epoch when there is one). */
  readonly epochId: string;
  readonly now: () => string;
  /**
   * Writes one change through the session's commit (under its gate); throws when it could not
   * (nothing is then installed). Events reach subscribers only through this commit.
   */
  readonly persist: (change: OpsPersistChange) => Promise<void>;
  /** Admits a `continuation` input into the session (the runtime's `acceptInput`). */
  readonly admitContinuation: (input: InputSubmission) => Promise<void>;
  readonly isIdle: () => boolean;
  /** Reports a failure that fails nobody (an undelivered wake): best effort, never throws. */
  readonly notice: (message: string) => void;
  /** Mints operation ids; default a UUID v7 at `now()`. */
  readonly newId?: () => string;
}

/** How an operation ends through {@link BackgroundOps.finish}. */
export type OpOutcome =
  | { readonly status: 'completed'; readonly result?: JsonValue }
  | {
      readonly status: 'failed' | 'aborted' | 'cancelled' | 'terminated';
      readonly reason: string;
    }
  | { readonly status: 'retired' };

/** What a terminal step did: the operation, and whether its continuation was admitted. */
export interface FinishReport {
  readonly operation: Operation;
  /** `admitted`; `pending` (delivery failed or waits behind one that did); `none` (the kind wakes nobody, or nothing new ended). */
  readonly continuation: 'admitted' | 'pending' | 'none';
  /** Whether the session was idle when the continuation was admitted (null when none was). */
  readonly sessionWasIdle: boolean | null;
}

/** What an unregister writes: the ended operations and cursor (retain), or a delete of the record; and their events. */
export type OpsUnregisterBatch = { readonly events: readonly EventDraft[] } & (
  | { readonly operations: OperationRecord[]; readonly opsCursor: OpsCursorRecord }
  | { readonly deleteOperations: true }
);

/** The lifecycle step an outcome asks for. */
export function stepFor(outcome: OpOutcome): OpStepInput {
  switch (outcome.status) {
    case 'completed':
      return { type: 'Complete', result: outcome.result ?? null };
    case 'failed':
      return { type: 'Fail', reason: outcome.reason };
    case 'aborted':
      return { type: 'Abort', reason: outcome.reason };
    case 'cancelled':
      return { type: 'Cancel', reason: outcome.reason };
    case 'terminated':
      return { type: 'Terminate', reason: outcome.reason };
    case 'retired':
      return { type: 'FinishRetiring' };
  }
}

/** The `op.finished` event of an ended operation. */
export function finishedEvent(op: Operation): EventDraft {
  return {
    type: 'op.finished',
    data: { operationId: op.operationId, status: op.status, completionSeq: op.completionSeq },
  };
}
