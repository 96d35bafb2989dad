// The machine and admission contracts as data: what `GET /v1/machine` serves and the generated docs render.

import type { AdmissionDecision, KindDefault, WhenBusyPolicy } from './admission/admission.js';
import { KIND_DEFAULTS, POLICY_VERSION, WHEN_BUSY_POLICY } from './admission/admission.js';
import type { WhenBusy } from './input-kinds.js';
import { EFFECT_CONTRACT } from './machine/effects.js';
import { GUARDS } from './machine/guards.js';
import { INVARIANTS } from './machine/invariants.js';
import { MACHINE_INPUT_TYPES } from './machine/inputs.js';
import type { Phase } from './machine/state.js';
import { PHASES } from './machine/state.js';
import { TRANSITIONS } from './machine/session-machine.js';

/** One transition row as data. */
export interface ContractRow {
  readonly input: string;
  readonly from: readonly Phase[];
  readonly to: readonly Phase[] | 'self';
  readonly guards: readonly string[];
  readonly refuse: string | null;
  readonly effects: readonly string[];
  readonly summary: string;
}

/** The machine contract. */
export interface MachineContract {
  readonly phases: readonly Phase[];
  readonly inputs: readonly string[];
  readonly rows: readonly ContractRow[];
  readonly guards: readonly { readonly name: string; readonly description: string }[];
  readonly invariants: readonly { readonly name: string; readonly description: string }[];
  /** Every effect and what the runtime does with it. */
  readonly effects: readonly { readonly name: string; readonly performed: string }[];
}

/** The admission contract. */
export interface AdmissionContract {
  readonly policyVersion: number;
  readonly whenBusy: readonly ({ readonly whenBusy: WhenBusy } & WhenBusyPolicy)[];
  readonly kindDefaults: readonly ({ readonly kind: string } & KindDefault)[];
  readonly decisionFields: readonly (keyof AdmissionDecision)[];
}

/** The session machine's contract, straight from the table that drives `step`. */
export function machineContract(): MachineContract {
  return {
    phases: PHASES,
    inputs: MACHINE_INPUT_TYPES,
    rows: TRANSITIONS.map((entry) => ({
      input: entry.input,
      from: entry.from,
      to: entry.to,
      guards: entry.guards,
      refuse: entry.refuse ?? null,
      effects: entry.emits ?? [],
      summary: entry.summary,
    })),
    guards: Object.entries(GUARDS).map(([name, spec]) => ({ name, description: spec.description })),
    invariants: INVARIANTS.map(({ name, description }) => ({ name, description })),
    effects: Object.entries(EFFECT_CONTRACT).map(([name, performed]) => ({ name, performed })),
  };
}

/** The admission policy's contract, straight from the tables `resolveAdmission` uses. */
export function admissionContract(): AdmissionContract {
  return {
    policyVersion: POLICY_VERSION,
    whenBusy: (Object.keys(WHEN_BUSY_POLICY) as WhenBusy[]).map((whenBusy) => ({
      whenBusy,
      ...WHEN_BUSY_POLICY[whenBusy],
    })),
    kindDefaults: Object.entries(KIND_DEFAULTS).map(([kind, entry]) => ({ kind, ...entry })),
    decisionFields: [
      'whenBusy',
      'lane',
      'queueMode',
      'wake',
      'boundary',
      'executionKind',
      'consumePoint',
      'policyVersion',
    ],
  };
}
