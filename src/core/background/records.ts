// The stored shapes of background operations and the feed cursor, and the pure codec between them and
// the in-memory state. The store names them `OperationRecord` / `OpsCursorRecord` (src/store/records.ts).

import { z } from 'zod';
import { jsonValue } from '../json-schema.js';
import type { JsonValue } from '../json.js';
import { isSequence } from './guards.js';
import type { ActiveOpStatus, OpStatus } from './kinds.js';
import { ACTIVE_OP_STATUSES, isOpKind, isOpStatus, isTerminalOpStatus, OP_KINDS } from './kinds.js';
import type { Operation, OpsState } from './state.js';

/** The stored version of an operation record. */
export const STORED_OPERATION_VERSION = 1;

/** An operation as the store keeps it; `record` holds the body (meta, times, outcome). */
export interface StoredOperation {
  readonly recordVersion: typeof STORED_OPERATION_VERSION;
  readonly operationId: string;
  readonly kind: string;
  readonly status: string;
  readonly terminal: boolean;
  /** The completion sequence number of a finished operation in its epoch. */
  readonly completionSeq: number | null;
  readonly finishedAt: string | null;
  readonly record: JsonValue;
}

/** The feed's position as the store keeps it: epoch, next sequence number, three cursors. */
export interface StoredOpsCursor {
  readonly epochId: string;
  readonly nextCompletionSeq: number;
  readonly applied: number;
  readonly observed: number;
  readonly injected: number;
}

/** The stored form of an operation. Only durable kinds are ever stored. */
export function toStoredOperation(op: Operation): StoredOperation {
  return {
    recordVersion: STORED_OPERATION_VERSION,
    operationId: op.operationId,
    kind: op.kind,
    status: op.status,
    terminal: isTerminalOpStatus(op.status),
    completionSeq: op.completionSeq,
    finishedAt: op.finishedAt,
    record: {
      meta: op.meta,
      startedAt: op.startedAt,
      updatedAt: op.updatedAt,
      endedFrom: op.endedFrom,
      result: op.result,
      reason: op.reason,
    },
  };
}

/** The stored form of the feed's position. */
export function toStoredCursor(state: OpsState): StoredOpsCursor {
  return { epochId: state.epochId, nextCompletionSeq: state.nextCompletionSeq, ...state.cursors };
}

const body = z.strictObject({
  meta: jsonValue,
  startedAt: z.string().min(1),
  updatedAt: z.string().min(1),
  endedFrom: z.enum(ACTIVE_OP_STATUSES).nullable(),
  result: jsonValue,
  reason: z.string().nullable(),
});

/**
 * The operation a stored record describes, or the name of what is wrong with it. Checks what the
 * record alone can tell (version, kind, durability, status, terminal flag, body); the state's
 * invariants check the rest after recovery.
 */
export function decodeStoredOperation(stored: StoredOperation): Operation | string {
  if ((stored.recordVersion as number) !== STORED_OPERATION_VERSION)
    return 'unknown_record_version';
  if (!isOpKind(stored.kind)) return 'unknown_kind';
  if (!OP_KINDS[stored.kind].durable) return 'non_durable_kind_stored';
  if (!isOpStatus(stored.status)) return 'unknown_status';
  const status: OpStatus = stored.status;
  if (stored.terminal !== isTerminalOpStatus(status)) return 'terminal_flag_mismatch';
  if (stored.completionSeq !== null && !isSequence(stored.completionSeq))
    return 'malformed_completion_seq';
  const parsed = body.safeParse(stored.record);
  if (!parsed.success) return 'malformed_body';
  const endedFrom: ActiveOpStatus | null = parsed.data.endedFrom;
  return {
    operationId: stored.operationId,
    kind: stored.kind,
    status,
    meta: parsed.data.meta,
    startedAt: parsed.data.startedAt,
    updatedAt: parsed.data.updatedAt,
    completionSeq: stored.completionSeq,
    finishedAt: stored.finishedAt,
    endedFrom,
    result: parsed.data.result,
    reason: parsed.data.reason,
  };
}
