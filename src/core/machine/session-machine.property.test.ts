// Random input sequences against the session machine: invariants hold after every step, inputs never mutate state.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariants } from './invariants.js';
import { SCENARIOS } from '../model/domain.js';
import type { MachineState } from './state.js';
import { initialState } from './state.js';
import { machineStateKey } from './state-key.js';
import { step } from './session-machine.js';

describe('the session machine under random input sequences', () => {
  for (const scenario of SCENARIOS) {
    it(`keeps every invariant after every step (${scenario.name} domain)`, () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 80 }), (choices) => {
          let state: MachineState = initialState();
          for (const choice of choices) {
            const inputs = scenario.inputs(state);
            const input = inputs[choice % inputs.length];
            if (input === undefined) continue;
            const before = machineStateKey(state);
            const result = step(state, input);
            expect(machineStateKey(state)).toBe(before);
            if (!result.ok) {
              expect(result.rejection.guard.length).toBeGreaterThan(0);
              continue;
            }
            expect(checkInvariants(result.state)).toEqual([]);
            state = result.state;
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
