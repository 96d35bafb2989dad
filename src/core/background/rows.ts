// The per-operation state machine as data: one row per step, `provisioning → running → retiring` and
// the terminal steps, each with its named guards.

import type { JsonValue } from '../json.js';
import type { OpsGuardName } from './guards.js';
import type { ActiveOpStatus, OpStatus } from './kinds.js';

/** A step of one operation. Terminal steps carry what the operation ended with. */
export type OpStepInput =
  | { readonly type: 'Provisioned' }
  | { readonly type: 'BeginRetiring' }
  | { readonly type: 'Complete'; readonly result: JsonValue }
  | { readonly type: 'Fail'; readonly reason: string }
  | { readonly type: 'Abort'; readonly reason: string }
  | { readonly type: 'Cancel'; readonly reason: string }
  | { readonly type: 'FinishRetiring' }
  | { readonly type: 'Terminate'; readonly reason: string };

/** The type of a step. */
export type OpStepType = OpStepInput['type'];

/** Every step type, in table order. */
export const OP_STEP_TYPES = [
  'Provisioned',
  'BeginRetiring',
  'Complete',
  'Fail',
  'Abort',
  'Cancel',
  'FinishRetiring',
  'Terminate',
] as const satisfies readonly OpStepType[];

/** Guards that every step checks first, in this order. */
export const STEP_PRECONDITIONS = ['known_operation', 'not_terminal', 'from_status'] as const;

/** One row: the step, the statuses it starts from, its guards (in check order), where it lands. */
export interface OpRow {
  readonly input: OpStepType;
  readonly from: readonly ActiveOpStatus[];
  readonly guards: readonly OpsGuardName[];
  readonly to: OpStatus;
  /** One line for docs. */
  readonly summary: string;
}

const WITH_REASON = [...STEP_PRECONDITIONS, 'reason_given'] as const;

/** The whole table. One row per step type; a step with no row for the status is refused. */
export const OP_ROWS: readonly OpRow[] = [
  {
    input: 'Provisioned',
    from: ['provisioning'],
    guards: STEP_PRECONDITIONS,
    to: 'running',
    summary: 'the operation is set up and doing its work',
  },
  {
    input: 'BeginRetiring',
    from: ['running'],
    guards: STEP_PRECONDITIONS,
    to: 'retiring',
    summary: 'the operation winds down gracefully',
  },
  {
    input: 'Complete',
    from: ['running', 'retiring'],
    guards: STEP_PRECONDITIONS,
    to: 'completed',
    summary: 'the work finished with a result',
  },
  {
    input: 'Fail',
    from: ['provisioning', 'running', 'retiring'],
    guards: WITH_REASON,
    to: 'failed',
    summary: 'the work or its setup failed',
  },
  {
    input: 'Abort',
    from: ['provisioning'],
    guards: WITH_REASON,
    to: 'aborted',
    summary: 'its owner gave up before the operation ever ran (only from provisioning)',
  },
  {
    input: 'Cancel',
    from: ['provisioning', 'running', 'retiring'],
    guards: WITH_REASON,
    to: 'cancelled',
    summary: 'a cancel request ended it',
  },
  {
    input: 'FinishRetiring',
    from: ['retiring'],
    guards: STEP_PRECONDITIONS,
    to: 'retired',
    summary: 'the graceful wind-down finished',
  },
  {
    input: 'Terminate',
    from: ['provisioning', 'running', 'retiring'],
    guards: WITH_REASON,
    to: 'terminated',
    summary: 'the runtime ended it (runtime restarted, session unregistered)',
  },
];

/** The row of a step type. */
export function rowFor(input: OpStepType): OpRow {
  const row = OP_ROWS.find((r) => r.input === input);
  if (row === undefined) throw new Error(`no row for step ${input}`);
  return row;
}
