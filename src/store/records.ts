// The stored shapes: lifecycle record, run receipt, transcript entry, background operation, ops cursor.

import type { PendingApproval } from '../core/approvals.js';
import type { JsonValue } from '../core/json.js';
import type { Binding, Phase } from '../core/machine/state.js';
import type { StoredOperation, StoredOpsCursor } from '../core/background/records.js';
import { STORED_OPERATION_VERSION } from '../core/background/records.js';
import type { VisibilityState } from '../core/tool-visibility.js';

/** The version of {@link LifecycleRecord}; a record with another version is refused, never guessed. */
export const LIFECYCLE_RECORD_VERSION = 1;

/**
 * A session's durable lifecycle. `phase` is the machine's durable phase (attached is stored as idle,
 * running as its return phase).
 */
export interface LifecycleRecord {
  readonly recordVersion: typeof LIFECYCLE_RECORD_VERSION;
  readonly sessionId: string;
  readonly phase: Phase;
  readonly binding: Binding;
  /** The incarnation of the session: a new registration after unregister gets a new epoch. */
  readonly epochId: string;
  readonly silentIntents: readonly string[];
  readonly visibility: VisibilityState;
  /**
   * Tool calls waiting for a person's decision (issue 12); present only when there are some, so a
   * session that never asked for an approval stores exactly what it stored before.
   */
  readonly approvals?: readonly PendingApproval[];
}

/** The version of {@link RunReceipt}. */
export const RECEIPT_RECORD_VERSION = 1;

/** The record of one finished run, written in the same transaction as its inputs' terminal states. */
export interface RunReceipt {
  readonly recordVersion: typeof RECEIPT_RECORD_VERSION;
  readonly runId: string;
  /** Receipt sequence number, assigned by the runtime, increasing per session. */
  readonly seq: number;
  readonly outcome: 'completed' | 'failed' | 'cancelled';
  readonly resultClass: string;
  /** Every input of the run: the batch it started with and the steer inputs injected at its boundaries. */
  readonly inputIds: readonly string[];
  readonly attempt: number;
  readonly at: string;
  readonly result: JsonValue;
}

/** One transcript message; `index` is its 0-based position in the session's transcript. */
export interface TranscriptEntry {
  readonly index: number;
  readonly runId: string;
  readonly message: JsonValue;
}

/** The version of {@link OperationRecord}. */
export const OPERATION_RECORD_VERSION = STORED_OPERATION_VERSION;

/**
 * A background operation as stored (04); `record` holds the kind-specific body. The ops lifecycle in
 * the core owns the shape (it encodes and decodes it), so the store uses the core's type.
 */
export type OperationRecord = StoredOperation;

/** The completion feed's position for a session epoch: next sequence and three forward-only cursors. */
export type OpsCursorRecord = StoredOpsCursor;
