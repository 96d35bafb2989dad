// The per-session background-operations state: operations, the epoch, completion sequence numbers, the
// completion feed and its three forward-only cursors.

import type { JsonValue } from '../json.js';
import type { ActiveOpStatus, OpKind, OpStatus } from './kinds.js';

/** One background operation. Immutable: every step returns a new value. */
export interface Operation {
  readonly operationId: string;
  readonly kind: OpKind;
  readonly status: OpStatus;
  /** What the starter said about the operation (tool name and arguments, child session id, ...). */
  readonly meta: JsonValue;
  readonly startedAt: string;
  /** When the status last changed. */
  readonly updatedAt: string;
  /** The completion sequence number in the epoch; set by the terminal step of a feed kind only. */
  readonly completionSeq: number | null;
  readonly finishedAt: string | null;
  /** The status the operation was in when it ended (null while in flight). */
  readonly endedFrom: ActiveOpStatus | null;
  /** The result of a `completed` operation; null otherwise. */
  readonly result: JsonValue;
  /** Why it ended, for `failed`, `aborted`, `cancelled` and `terminated`; null otherwise. */
  readonly reason: string | null;
}

/** The three cursors over the completion feed (04): each only moves forward. */
export const OPS_CURSORS = ['applied', 'observed', 'injected'] as const;

/**
 * One of {@link OPS_CURSORS}: `applied` by the agent, `observed` by the runtime (its wake was
 * delivered), `injected` into a turn. A cursor holds the last sequence number it covers (0: none).
 */
export type OpsCursorName = (typeof OPS_CURSORS)[number];

/** An entry of the completion feed: a finished operation of a feed kind and its sequence number. */
export interface FeedEntry {
  readonly seq: number;
  readonly operationId: string;
}

/** The state of one session's background operations in one epoch. */
export interface OpsState {
  /** The epoch the completion sequence numbers belong to. */
  readonly epochId: string;
  /** False once the session was unregistered: nothing starts and no cursor moves. */
  readonly open: boolean;
  /** Every known operation, in start order (recovered ones first, in stored order). */
  readonly operations: readonly Operation[];
  /** The sequence number the next terminal step of a feed kind takes (starts at 1). */
  readonly nextCompletionSeq: number;
  /** Finished feed-kind operations in completion-sequence order. */
  readonly feed: readonly FeedEntry[];
  readonly cursors: Readonly<Record<OpsCursorName, number>>;
}

/** An empty state for a new epoch. `epochId` comes from the shell (the core makes no ids). */
export function createOpsState(epochId: string): OpsState {
  return {
    epochId,
    open: true,
    operations: [],
    nextCompletionSeq: 1,
    feed: [],
    cursors: { applied: 0, observed: 0, injected: 0 },
  };
}

/** The operation with `operationId`, or undefined. */
export function findOperation(state: OpsState, operationId: string): Operation | undefined {
  return state.operations.find((op) => op.operationId === operationId);
}

/** A state with `operation` replacing the one with the same id (or appended when new). */
export function withOperation(state: OpsState, operation: Operation): OpsState {
  const index = state.operations.findIndex((op) => op.operationId === operation.operationId);
  const operations =
    index < 0
      ? [...state.operations, operation]
      : state.operations.map((op, i) => (i === index ? operation : op));
  return { ...state, operations };
}

/** The last sequence number in the feed's range (`nextCompletionSeq - 1`): no cursor may pass it. */
export function feedEnd(state: OpsState): number {
  return state.nextCompletionSeq - 1;
}
