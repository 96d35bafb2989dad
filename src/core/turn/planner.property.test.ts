// The turn planner over random turns: every member input gets exactly one fate, and a receipt goes only
// with a run the machine ended.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminal } from '../ledger/input-record.js';
import { applyLedgerPatch } from '../ledger/input-ledger.js';
import { checkLedgerInvariants } from '../ledger/invariants.js';
import { approval, turnWith } from './fixtures.test-support.js';
import { planTurnEnd } from './planner.js';
import type { TurnVerdict } from './verdict.js';

const verdict: fc.Arbitrary<TurnVerdict> = fc.oneof(
  fc.record({
    type: fc.constant('completed' as const),
    output: fc.option(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { nil: undefined }),
    append: fc.array(fc.string(), { maxLength: 2 }),
    facts: fc.constant({}),
  }),
  fc.record({
    type: fc.constant('awaiting_approval' as const),
    requested: fc.array(fc.constantFrom('a1', 'a2').map(approval), { minLength: 1, maxLength: 2 }),
    append: fc.constant([]),
    facts: fc.constant({}),
  }),
  fc.record({
    type: fc.constant('failed' as const),
    cause: fc.constantFrom('llm_failure' as const, 'timeout' as const),
    retryable: fc.boolean(),
    message: fc.string(),
  }),
  fc.record({
    type: fc.constant('cancelled' as const),
    reason: fc.option(fc.string({ minLength: 1 }), { nil: null }),
    append: fc.constant([]),
    facts: fc.constant({}),
  }),
);

describe('the turn planner, over random turns', () => {
  it('gives every member input exactly one fate, and a receipt only for a run the machine ended', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        verdict,
        (count, attempts, bound, v) => {
          const base = turnWith(count, { attempts });
          const turn = bound ? base : { ...base, runId: 'r-other' };
          const plan = planTurnEnd(turn, v);
          if (!bound) {
            expect(plan.ok).toBe(false);
            return;
          }
          if (!plan.ok) throw new Error('a bound run was refused');
          const ids = plan.inputs.records.map((r) => r.header.inputId);
          expect([...ids].sort()).toEqual(Array.from({ length: count }, (_, i) => `in${i}`));
          expect(plan.receipt.inputIds).toEqual(ids);
          for (const record of plan.inputs.records) {
            const terminal = isTerminal(record.state);
            expect(terminal || record.state.status === 'queued').toBe(true);
            expect(record.outcome !== null).toBe(terminal);
          }
          expect(plan.receipt.outcome).toBe(v.type === 'awaiting_approval' ? 'completed' : v.type);
          expect(
            (plan.requeuedAttempts !== null) ===
              plan.inputs.records.some((r) => !isTerminal(r.state)),
          ).toBe(true);
          expect(plan.machine.state.run).toBeNull();
          applyLedgerPatch(turn.ledger, plan.inputs.patch);
          expect(checkLedgerInvariants(turn.ledger, null)).toEqual([]);
        },
      ),
    );
  });
});
