// The closed set of error codes, the one error class, and the normaliser every `catch` uses.

/** Every way Burrow refuses or fails an operation. The HTTP status table maps each code once. */
export const ERROR_CODES = [
  /** Thrown when no session with the given id is registered (or stored). */
  'session_not_found',
  /** Thrown when the session's phase refuses the operation; carries `phase` and the failed `guard`. */
  'not_ready',
  /** Thrown when the session is destroyed: it can never be used or registered again. */
  'destroyed',
  /** Thrown for `whenBusy: 'reject'` while a turn runs or work is queued, and for a transcript edit while busy. */
  'session_busy',
  /** Thrown when an input or request fails validation; carries `issues`. */
  'validation_failed',
  /** Thrown when an input id or idempotency key already names an input with a different content; carries `existingInputId`. */
  'idempotency_conflict',
  /** Thrown when a session already holds `maxQueuedInputs` non-terminal inputs, or the process is at its accept limit. */
  'queue_full',
  /** Thrown when this host no longer owns the session (a stale fence token). */
  'fenced',
  /**
   * Thrown when the store failed; nothing was acknowledged and nothing changed. Also when the host
   * owning a session did not answer a forwarded request in time (nothing acknowledged; retry).
   */
  'store_unavailable',
  /** Thrown by the server for missing or wrong credentials. */
  'unauthorized',
  /** Thrown when a request or input is over the size limit. */
  'payload_too_large',
  /** Thrown for a bug: a violated invariant or an impossible state. Logged with its cause. */
  'internal',
  /** Thrown when a decision names an approval the session never had (or that was cleared by unregister); carries `approvalId`. */
  'approval_not_found',
  /** Thrown when a decision's `callHash` is not the pending call's: the call changed, or the decision is for another one; carries `approvalId`. */
  'approval_mismatch',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Structured facts an error may carry; all optional, all JSON. */
export interface ErrorDetails {
  sessionId?: string;
  inputId?: string;
  phase?: string;
  guard?: string;
  issues?: readonly string[];
  existingInputId?: string;
  limit?: number;
  approvalId?: string;
}

/**
 * The single error type of Burrow. `code` is from a closed set; details are structured fields, never
 * parsed out of the message.
 *
 * @example
 * throw new BurrowError('not_ready', 'session s1 is retired', { sessionId: 's1', phase: 'retired' });
 */
export class BurrowError extends Error {
  override readonly name = 'BurrowError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** The JSON shape used in logs, events and problem responses (never a stack trace). */
  toJSON(): { code: ErrorCode; message: string } & ErrorDetails {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** True when `value` is a {@link BurrowError}, optionally with the given code. */
export function isBurrowError(value: unknown, code?: ErrorCode): value is BurrowError {
  return value instanceof BurrowError && (code === undefined || value.code === code);
}

/** Normalises anything thrown into an `Error`; every `catch (e: unknown)` goes through here. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(`non-error thrown: ${JSON.stringify(value)}`);
  } catch {
    return new Error('non-error thrown (not serialisable)');
  }
}
