// Test support for the ops lifecycle: reaching a status, unwrapping results, canonical step inputs.

import { startOp, stepOp } from './lifecycle.js';
import type { OpsStepResult } from './lifecycle.js';
import type { OpKind, OpStatus } from './kinds.js';
import type { OpStepInput, OpStepType } from './rows.js';
import type { OpsState } from './state.js';
import { createOpsState } from './state.js';

/** A fixed ISO time `n` minutes after a fixed epoch. */
export function at(n: number): string {
  return `2026-01-01T00:${String(n).padStart(2, '0')}:00.000Z`;
}

/** The state of an accepted result; throws with the refusal otherwise (test setup only). */
export function must(result: OpsStepResult): OpsState {
  if (!result.ok) throw new Error(`setup refused: ${JSON.stringify(result.refusal)}`);
  return result.state;
}

/** A canonical step input of each type (a non-empty reason, a small result). */
export function stepInput(type: OpStepType): OpStepInput {
  switch (type) {
    case 'Complete':
      return { type, result: { ok: true } };
    case 'Fail':
    case 'Abort':
    case 'Cancel':
    case 'Terminate':
      return { type, reason: `${type.toLowerCase()} reason` };
    case 'Provisioned':
    case 'BeginRetiring':
    case 'FinishRetiring':
      return { type };
  }
}

/** The steps that take a fresh operation to `status`. */
export const PATH_TO: Record<OpStatus, readonly OpStepType[]> = {
  provisioning: [],
  running: ['Provisioned'],
  retiring: ['Provisioned', 'BeginRetiring'],
  completed: ['Provisioned', 'Complete'],
  failed: ['Fail'],
  aborted: ['Abort'],
  cancelled: ['Provisioned', 'Cancel'],
  retired: ['Provisioned', 'BeginRetiring', 'FinishRetiring'],
  terminated: ['Terminate'],
};

/** Starts `operationId` of `kind` in `state` and walks it to `status`. */
export function withOpAt(
  state: OpsState,
  operationId: string,
  kind: OpKind,
  status: OpStatus,
  minute = 0,
): OpsState {
  let s = must(startOp(state, { operationId, kind, meta: { n: minute }, now: at(minute) }));
  for (const type of PATH_TO[status]) s = must(stepOp(s, operationId, stepInput(type), at(minute)));
  return s;
}

/** A fresh state of epoch `e1` with one operation `op1` of `kind` in `status`. */
export function reach(kind: OpKind, status: OpStatus): OpsState {
  return withOpAt(createOpsState('e1'), 'op1', kind, status);
}

/** Freezes a value and everything in it, so a step that mutates its input throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
