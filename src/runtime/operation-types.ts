// The options and results of the runtime's operations (03, "Control operations"; 05, "Library"):
// types only, named by the public API and by the operation modules that implement it.

import type { AdmissionDecision } from '../core/admission/admission.js';
import type { WhenBusy } from '../core/input-kinds.js';
import type { InputOutcome } from '../core/ledger/input-record.js';
import type { JsonValue } from '../core/json.js';

/** Every async operation accepts a signal; aborting rejects with `signal.reason` and leaves no half-done work. */
export interface OperationOptions {
  readonly signal?: AbortSignal;
}

/**
 * Options of `acceptInput`: header fields that override the submission's own (each checked by the
 * submission's own schema, then one value with the submission's fields).
 */
export interface AcceptOptions extends OperationOptions {
  readonly whenBusy?: WhenBusy;
  readonly idempotencyKey?: string;
  readonly supersedeKey?: string;
}

/** The answer to an accepted (or deduplicated) input. `completion` settles once, when the input is terminal. */
export interface AcceptResult {
  readonly status: 'accepted' | 'deduplicated';
  readonly inputId: string;
  readonly decision: AdmissionDecision;
  readonly completion: Promise<InputOutcome>;
}

/** A provisional hard-cancel handle for a turn that runs before the executor is attached. */
export interface InterruptHandle {
  hardCancel(reason: string): void | Promise<void>;
}

/** The application's seam for switching a session's model or provider for its next turn. */
export interface LlmReconfigureHost {
  reconfigure(sessionId: string, change: JsonValue): Promise<JsonValue | void>;
}

/** Options of `recover`. */
export interface RecoverOptions extends OperationOptions {
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `recover` did. */
export interface RecoverReport {
  readonly recovered: number;
  /** Each session that could not be recovered, with the reason (also logged; the sweeper retries it). */
  readonly failed: readonly { readonly sessionId: string; readonly error: string }[];
  /** Sessions with work whose lease a live owner holds (left to it, or to the sweeper once it expires). */
  readonly heldElsewhere: number;
}

/** Whether the runtime can serve, and why not. */
export type Readiness =
  { readonly ready: true } | { readonly ready: false; readonly reason: string };
