// The background-operations lifecycle (04): start, step and finish operations over the row table; each
// terminal step of a feed kind takes the epoch's next completion sequence number. Pure and total:
// refusals are values naming a guard; the input state is never mutated.

import type { JsonValue } from '../json.js';
import type { OpsGuardName, OpsRefusal } from './guards.js';
import { opsRefusal } from './guards.js';
import type { OpKind } from './kinds.js';
import { isOpKind, isTerminalOpStatus, OP_KINDS } from './kinds.js';
import type { OpRow, OpStepInput } from './rows.js';
import { rowFor } from './rows.js';
import type { Operation, OpsState } from './state.js';
import { findOperation, withOperation } from './state.js';

/** The result of a step that changes the state: the new state and the operations it changed. */
export type OpsStepResult =
  | {
      readonly ok: true;
      readonly state: OpsState;
      /** The operations this step changed (one for start and step; several for recovery). */
      readonly changed: readonly Operation[];
    }
  | { readonly ok: false; readonly refusal: OpsRefusal };

/** What {@link startOp} needs: the id comes from the shell. */
export interface StartOpRequest {
  readonly operationId: string;
  readonly kind: OpKind;
  readonly meta: JsonValue;
  readonly now: string;
}

/** The guards of a start, in check order. */
export const START_GUARDS = [
  'registry_open',
  'valid_operation_id',
  'known_kind',
  'fresh_operation_id',
] as const satisfies readonly OpsGuardName[];

/**
 * Starts an operation in `provisioning`.
 *
 * @example
 * const r = startOp(createOpsState('e1'), { operationId: 'op1', kind: 'background_tool', meta: null, now });
 * if (r.ok) stepOp(r.state, 'op1', { type: 'Provisioned' }, now);
 */
export function startOp(state: OpsState, request: StartOpRequest): OpsStepResult {
  const { operationId, kind } = request;
  const failed = START_GUARDS.find((guard): boolean => {
    switch (guard) {
      case 'registry_open':
        return !state.open;
      case 'valid_operation_id':
        return typeof operationId !== 'string' || operationId.length === 0;
      case 'known_kind':
        return !isOpKind(kind);
      case 'fresh_operation_id':
        return findOperation(state, operationId) !== undefined;
    }
  });
  if (failed !== undefined) return refuse(opsRefusal('Start', failed, operationId || null));
  const operation: Operation = {
    operationId,
    kind,
    status: 'provisioning',
    meta: request.meta,
    startedAt: request.now,
    updatedAt: request.now,
    completionSeq: null,
    finishedAt: null,
    endedFrom: null,
    result: null,
    reason: null,
  };
  return { ok: true, state: withOperation(state, operation), changed: [operation] };
}

function failedGuard(
  row: OpRow,
  op: Operation | undefined,
  input: OpStepInput,
): OpsGuardName | null {
  for (const guard of row.guards) {
    const holds = ((): boolean => {
      switch (guard) {
        case 'known_operation':
          return op !== undefined;
        case 'not_terminal':
          return op !== undefined && !isTerminalOpStatus(op.status);
        case 'from_status':
          return op !== undefined && (row.from as readonly string[]).includes(op.status);
        case 'reason_given':
          return 'reason' in input && typeof input.reason === 'string' && input.reason.length > 0;
        default:
          return false;
      }
    })();
    if (!holds) return guard;
  }
  return null;
}

/** Fires `row` on `op` (its guards hold): status, times, and for a terminal step of a feed kind the next completion sequence. */
function fire(
  state: OpsState,
  op: Operation,
  row: OpRow,
  input: OpStepInput,
  now: string,
): OpsState {
  if (!isTerminalOpStatus(row.to)) {
    return withOperation(state, { ...op, status: row.to, updatedAt: now });
  }
  const inFeed = OP_KINDS[op.kind].inFeed;
  const seq = inFeed ? state.nextCompletionSeq : null;
  const ended: Operation = {
    ...op,
    status: row.to,
    updatedAt: now,
    finishedAt: now,
    endedFrom: isTerminalOpStatus(op.status) ? null : op.status,
    completionSeq: seq,
    result: input.type === 'Complete' ? input.result : null,
    reason: 'reason' in input ? input.reason : null,
  };
  const next = withOperation(state, ended);
  return seq === null
    ? next
    : {
        ...next,
        nextCompletionSeq: seq + 1,
        feed: [...next.feed, { seq, operationId: op.operationId }],
      };
}

/**
 * Steps one operation by the row of `input`. A terminal step of a feed kind takes the epoch's next
 * completion sequence number and appends the operation to the feed.
 */
export function stepOp(
  state: OpsState,
  operationId: string,
  input: OpStepInput,
  now: string,
): OpsStepResult {
  const row = rowFor(input.type);
  const op = findOperation(state, operationId);
  const guard = failedGuard(row, op, input);
  if (guard !== null || op === undefined)
    return refuse(
      opsRefusal(input.type, guard ?? 'known_operation', operationId, op?.status ?? null),
    );
  const next = fire(state, op, row, input, now);
  const changed = findOperation(next, operationId) as Operation; // fire always keeps the operation
  return { ok: true, state: next, changed: [changed] };
}

/**
 * Ends every operation still in flight with `terminated{reason}`, in start order (recovery after a
 * restart, unregister). Each takes a completion sequence number if its kind is in the feed.
 */
export function terminateInFlight(state: OpsState, reason: string, now: string): OpsStepResult {
  let current = state;
  const changed: Operation[] = [];
  for (const op of state.operations) {
    if (isTerminalOpStatus(op.status)) continue;
    const result = stepOp(current, op.operationId, { type: 'Terminate', reason }, now);
    if (!result.ok) return result;
    current = result.state;
    changed.push(...result.changed);
  }
  return { ok: true, state: current, changed };
}

function refuse(refusal: OpsRefusal): OpsStepResult {
  return { ok: false, refusal };
}
