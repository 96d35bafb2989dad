// Turning ops-lifecycle refusals (values in the core) into `BurrowError`s, through one table.

import type { ErrorCode } from '../../core/errors.js';
import { BurrowError } from '../../core/errors.js';
import type { OpsGuardName, OpsRefusal } from '../../core/background/guards.js';
import { OPS_GUARDS } from '../../core/background/guards.js';

/**
 * The error code of each guard: `not_ready` when the operation's status or the registry's state
 * refuses the call (it might have been accepted a moment earlier), `validation_failed` when the call
 * itself is wrong (unknown id or cursor, a bad sequence number, a missing reason, a cursor moved
 * backwards or past the feed).
 */
export const OPS_REFUSAL_CODES: Record<OpsGuardName, ErrorCode> = {
  registry_open: 'not_ready',
  not_terminal: 'not_ready',
  from_status: 'not_ready',
  valid_operation_id: 'validation_failed',
  known_kind: 'validation_failed',
  fresh_operation_id: 'validation_failed',
  known_operation: 'validation_failed',
  reason_given: 'validation_failed',
  known_cursor: 'validation_failed',
  valid_sequence: 'validation_failed',
  cursor_forward: 'validation_failed',
  cursor_within_feed: 'validation_failed',
  known_operations: 'validation_failed',
};

/** The `BurrowError` for a refusal: the guard and the operation's status travel as structured fields. */
export function opsRefusalError(sessionId: string, refusal: OpsRefusal): BurrowError {
  const subject = refusal.operationId === null ? '' : ` operation ${refusal.operationId}`;
  const message = `${refusal.action}${subject} refused in session ${sessionId}: ${OPS_GUARDS[refusal.guard]}`;
  return new BurrowError(OPS_REFUSAL_CODES[refusal.guard], message, {
    sessionId,
    guard: refusal.guard,
    ...(refusal.status === null ? {} : { phase: refusal.status }),
    issues: [`${refusal.guard}${subject}`],
  });
}
