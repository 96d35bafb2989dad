// Random operation sequences against the ledger and the admission policy: ledger invariants after every step.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WHEN_BUSY } from './input-kinds.js';
import type { InputSubmission } from './input-kinds.js';
import { applyLedgerPatch, createLedger, runMembers } from './input-ledger.js';
import { planAdmit } from './ledger-admit.js';
import { NOTHING_KNOWN } from './ledger-identity.js';
import { planExpire, planInjectSteer, planStageBatch } from './ledger-batch.js';
import { admitRequest, at } from './ledger-fixtures.test-support.js';
import { checkLedgerInvariants } from './ledger-invariants.js';
import { planAbandonPending, planPrune, planRunEnd } from './ledger-run-end.js';

const submission: fc.Arbitrary<InputSubmission> = fc
  .oneof(
    fc.record({
      kind: fc.constant('prompt' as const),
      content: fc.constantFrom('a', 'b'),
      whenBusy: fc.option(fc.constantFrom(...WHEN_BUSY), { nil: undefined }),
      supersedeKey: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
      idempotencyKey: fc.option(fc.constantFrom('i1', 'i2', 'i3'), { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant('external_event' as const),
      source: fc.constant('s'),
      eventType: fc.constant('t'),
      payload: fc.nat(3),
    }),
    fc.record({
      kind: fc.constant('peer_response' as const),
      from: fc.constant('p'),
      requestId: fc.constantFrom('q1', 'q2'),
      status: fc.constantFrom('progress' as const, 'completed' as const),
      content: fc.constant('c'),
    }),
    fc.record({
      kind: fc.constant('peer_request' as const),
      from: fc.constant('p'),
      requestId: fc.constant('q'),
      intent: fc.constantFrom('quiet', 'ask'),
      content: fc.constant('c'),
    }),
    fc.record({ kind: fc.constant('continuation' as const), reason: fc.constant('done') }),
    fc.record({
      kind: fc.constant('operation' as const),
      operationId: fc.constant('o'),
      notice: fc.constant(null),
    }),
  )
  .map(
    (s) =>
      Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as InputSubmission,
  );

const operation = fc.oneof(
  fc.record({ op: fc.constant('admit' as const), submission, ttl: fc.boolean() }),
  fc.constant({ op: 'stage' as const }),
  fc.constant({ op: 'inject' as const }),
  fc.record({
    op: fc.constant('end' as const),
    how: fc.constantFrom('consumed', 'retry', 'fatal', 'cancelled', 'rollback'),
  }),
  fc.record({
    op: fc.constant('abandon' as const),
    scope: fc.constantFrom('queued' as const, 'all' as const),
  }),
  fc.constant({ op: 'expire' as const }),
  fc.constant({ op: 'prune' as const }),
);

describe('the ledger under random operation sequences', () => {
  it('keeps every ledger invariant after every step, and every input in exactly one place', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (ops) => {
        const ledger = createLedger('s1');
        let runId: string | null = null;
        let clock = 0;
        let ids = 0;
        for (const step of ops) {
          clock += 1;
          const now = at(clock);
          switch (step.op) {
            case 'admit': {
              const request = admitRequest(`in${(ids += 1)}`, step.submission, {
                now,
                expiresAt: step.ttl ? at(clock + 3) : null,
              });
              const plan = planAdmit(ledger, request, {
                running: runId !== null,
                maxQueuedInputs: 8,
                stored: NOTHING_KNOWN,
              });
              if (plan.status === 'accepted') applyLedgerPatch(ledger, plan.patch);
              break;
            }
            case 'stage': {
              if (runId !== null) break;
              const next = `run${clock}`;
              const plan = planStageBatch(ledger, next, now);
              if (plan !== null) {
                applyLedgerPatch(ledger, plan.patch);
                runId = next;
                expect(runMembers(ledger, next).length).toBe(plan.records.length);
              }
              break;
            }
            case 'inject': {
              if (runId === null) break;
              const plan = planInjectSteer(ledger, runId, now);
              if (plan !== null) applyLedgerPatch(ledger, plan.patch);
              break;
            }
            case 'end': {
              if (runId === null) break;
              const error = { code: 'x', message: 'x' };
              const end =
                step.how === 'consumed'
                  ? ({
                      type: 'consumed',
                      outcome: { status: 'completed_without_result', runId },
                    } as const)
                  : step.how === 'retry'
                    ? ({ type: 'failed', retryable: true, maxAttempts: 2, error } as const)
                    : step.how === 'fatal'
                      ? ({ type: 'failed', retryable: false, maxAttempts: 2, error } as const)
                      : step.how === 'cancelled'
                        ? ({ type: 'cancelled', reason: 'x' } as const)
                        : ({ type: 'rollback' } as const);
              applyLedgerPatch(ledger, planRunEnd(ledger, runId, end, now).patch);
              expect(runMembers(ledger, runId)).toEqual([]);
              runId = null;
              break;
            }
            case 'abandon':
              applyLedgerPatch(
                ledger,
                planAbandonPending(ledger, 'reset', step.scope, 'x', now).patch,
              );
              if (step.scope === 'all') runId = null;
              break;
            case 'expire':
              applyLedgerPatch(ledger, planExpire(ledger, now)?.patch ?? { ops: [] });
              break;
            case 'prune':
              applyLedgerPatch(ledger, planPrune(ledger, at(clock - 5), 3));
              break;
          }
          expect(checkLedgerInvariants(ledger, runId)).toEqual([]);
          for (const record of ledger.terminal.values()) expect(record.outcome).not.toBeNull();
        }
      }),
      { numRuns: 500 },
    );
  });
});
