// The model checker's effect contract: what each row emits over the explored states, against its `emits`.
//
// Both directions: `step` throws when a row emits an effect its `emits` list does not declare (the
// checker reports it as `emits_declared`); and a declared effect that no explored step of the row
// ever emitted is reported as `emits_unseen` (the declaration promises something the row never does).

import type { MachineEffect } from '../machine/effects.js';
import type { TransitionRow } from '../machine/row.js';
import type { ModelFailure } from './graph.js';
import { TRANSITIONS } from '../machine/session-machine.js';

type EffectType = MachineEffect['type'];

/** The effect types each row was seen to emit; shared across the scenarios of one run. */
export class EmitsCoverage {
  readonly #seen = new Map<TransitionRow, Set<EffectType>>();

  /** Records what `row` emitted in one explored step. */
  record(row: TransitionRow, effects: readonly MachineEffect[]): void {
    let seen = this.#seen.get(row);
    if (seen === undefined) {
      seen = new Set();
      this.#seen.set(row, seen);
    }
    for (const effect of effects) seen.add(effect.type);
  }

  /** The effect types `row` was seen to emit. */
  emitted(row: TransitionRow): ReadonlySet<EffectType> {
    return this.#seen.get(row) ?? new Set();
  }

  /** One `emits_unseen` failure per declared effect of `rows` that no explored step emitted. */
  unseen(rows: readonly TransitionRow[] = TRANSITIONS): ModelFailure[] {
    const failures: ModelFailure[] = [];
    for (const [index, row] of rows.entries()) {
      const emitted = this.emitted(row);
      for (const type of row.emits ?? []) {
        if (emitted.has(type)) continue;
        failures.push({
          property: 'emits_unseen',
          detail: `row ${index} (${row.input} from ${row.from.join(',')}) declares ${type}, which no explored step emitted`,
          trace: [],
        });
      }
    }
    return failures;
  }
}
