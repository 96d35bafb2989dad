// One accepted input as the ledger holds it: header, payload, decision, lifecycle state and outcome.

import type { AdmissionDecision } from '../admission/admission.js';
import type { InputHeader, InputPayload } from '../input-kinds.js';
import type { JsonValue } from '../json.js';

/** Why an input was abandoned (02). */
export const ABANDON_REASONS = [
  'reset',
  'recycled',
  'stopped',
  'retired',
  'destroyed',
  'unregistered',
  'cancelled',
  'failed',
  'max_attempts_exhausted',
  'expired',
] as const;
/** One of {@link ABANDON_REASONS}. */
export type AbandonReason = (typeof ABANDON_REASONS)[number];

/** The lifecycle state of an input. `accepted` is transient and never stored. */
export type InputState =
  | { readonly status: 'queued' }
  | { readonly status: 'staged'; readonly runId: string }
  | { readonly status: 'applied'; readonly runId: string }
  | { readonly status: 'consumed'; readonly runId: string | null }
  | { readonly status: 'superseded'; readonly by: string }
  | { readonly status: 'coalesced'; readonly into: string }
  | { readonly status: 'abandoned'; readonly reason: AbandonReason };

/** The name of an input state. */
export type InputStatus = InputState['status'];

/** The terminal statuses. */
export const TERMINAL_STATUSES: readonly InputStatus[] = [
  'consumed',
  'superseded',
  'coalesced',
  'abandoned',
];

/** True when `state` is terminal. */
export function isTerminal(state: InputState): boolean {
  return TERMINAL_STATUSES.includes(state.status);
}

/** A JSON error as carried by outcomes. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly retryable?: boolean;
}

/** How an input ended, as its completion reports it (02, "Waiting for an outcome"). */
export type InputOutcome =
  | { readonly status: 'completed'; readonly runId: string; readonly result: JsonValue }
  | { readonly status: 'completed_without_result'; readonly runId: string | null }
  | {
      readonly status: 'completed_with_finalization_failure';
      readonly runId: string;
      readonly error: ErrorInfo;
    }
  | { readonly status: 'superseded'; readonly by: string }
  | { readonly status: 'coalesced'; readonly into: string }
  | { readonly status: 'cancelled'; readonly runId: string; readonly reason: string }
  | { readonly status: 'failed'; readonly runId: string; readonly error: ErrorInfo }
  | {
      readonly status: 'abandoned';
      readonly reason: AbandonReason;
      /** Why, in the words of the operation that abandoned it (control operations give one). */
      readonly message?: string;
      readonly error?: ErrorInfo;
    }
  | { readonly status: 'runtime_terminated'; readonly reason: string };

/** The version of {@link InputRecord}'s stored shape. */
export const INPUT_RECORD_VERSION = 1;

/** An accepted input. Persisted (for durable inputs) with every lifecycle change. */
export interface InputRecord {
  readonly recordVersion: typeof INPUT_RECORD_VERSION;
  readonly header: InputHeader;
  readonly payload: InputPayload;
  readonly decision: AdmissionDecision;
  /** Admission sequence number, unique per session, increasing. */
  readonly seq: number;
  readonly state: InputState;
  /**
   * Runs the input took part in (staged into, or injected at a boundary), counted when it joins the
   * run: 1 while its first run runs. A rollback (nothing consumed) and a crash recovery give the
   * attempt back. `maxAttempts` bounds it; `run.started.attempt` and `RunPrimitive.attempt` are the
   * highest attempts of the run's inputs, and `input.queued.attempt` is the attempt its next run will be.
   */
  readonly attempts: number;
  /** Set once terminal. */
  readonly outcome: InputOutcome | null;
  /** ISO time after which a queued input is abandoned `expired` (from `ttlMs`), or null. */
  readonly expiresAt: string | null;
  readonly updatedAt: string;
}
