// The named guards of the background-operations lifecycle and the refusal value that names one.

import type { OpStatus } from './kinds.js';

/**
 * Every guard, with what it requires. A refusal always names one of these; the exhaustive exploration
 * checks it, and the shell maps each to an error code.
 */
export const OPS_GUARDS = {
  registry_open: 'the session has not been unregistered (nothing starts, no cursor moves after)',
  valid_operation_id: 'the operation id is a non-empty string',
  known_kind: 'the kind is one of the kinds table',
  fresh_operation_id: 'no operation with this id exists in the session',
  known_operation: 'an operation with this id exists in the session',
  not_terminal: 'the operation has not ended (terminal operations never change)',
  from_status: "the operation's status is one the row starts from",
  reason_given: 'the step names a non-empty reason',
  known_cursor: 'the cursor is applied, observed or injected',
  valid_sequence: 'the sequence number is a non-negative integer',
  cursor_forward: 'a cursor never moves backwards',
  cursor_within_feed: 'a cursor never passes the last completion sequence number handed out',
  known_operations: 'every operation id of a barrier exists in the session',
} as const;

/** The name of a guard. */
export type OpsGuardName = keyof typeof OPS_GUARDS;

/** Every guard name (for docs and for checking that refusals name a guard). */
export const OPS_GUARD_NAMES = Object.keys(OPS_GUARDS) as readonly OpsGuardName[];

/** What was refused: a step type, or one of the registry operations. */
export type OpsAction =
  | 'Start'
  | 'Provisioned'
  | 'BeginRetiring'
  | 'Complete'
  | 'Fail'
  | 'Abort'
  | 'Cancel'
  | 'FinishRetiring'
  | 'Terminate'
  | 'ReadFeed'
  | 'AdvanceCursor'
  | 'WaitAll';

/** A refusal: a value, never an exception. `guard` names the first guard that failed. */
export interface OpsRefusal {
  readonly code: 'ops_refused';
  readonly action: OpsAction;
  readonly guard: OpsGuardName;
  /** The operation concerned (for `known_operations`: the first unknown id), or null. */
  readonly operationId: string | null;
  /** Its status when the refusal happened, or null when there is no such operation. */
  readonly status: OpStatus | null;
}

/** Builds a refusal. */
export function opsRefusal(
  action: OpsAction,
  guard: OpsGuardName,
  operationId: string | null = null,
  status: OpStatus | null = null,
): OpsRefusal {
  return { code: 'ops_refused', action, guard, operationId, status };
}

/** True when `value` is a non-negative safe integer (a sequence number or cursor position). */
export function isSequence(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
