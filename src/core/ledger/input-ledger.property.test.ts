// Random operation sequences against the ledger and the admission policy: ledger invariants after every
// step; and the identity rules against a model of the store, with reused ids and keys, evictions and prunes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WHEN_BUSY } from '../input-kinds.js';
import type { InputSubmission } from '../input-kinds.js';
import { canonicalJson } from '../canonical-json.js';
import type { InputRecord } from './input-record.js';
import { isTerminal } from './input-record.js';
import type { Ledger, LedgerPatch } from './input-ledger.js';
import {
  applyLedgerPatch,
  createLedger,
  findInput,
  patchRecords,
  runMembers,
} from './input-ledger.js';
import { planAdmit } from './admit.js';
import { NOTHING_KNOWN, contentOf, storeLookups } from './identity.js';
import { createRetainedPool } from './retained.js';
import type { RunEnd } from './run-end.js';
import { planExpire, planInjectSteer, planStageBatch } from './batch.js';
import { admitRequest, at } from './fixtures.test-support.js';
import { checkLedgerInvariants } from './invariants.js';
import { planAbandonPending, planPrune, planRunEnd } from './run-end.js';

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
    how: fc.constantFrom<EndHow>('consumed', 'retry', 'fatal', 'cancelled', 'rollback'),
  }),
  fc.record({
    op: fc.constant('abandon' as const),
    scope: fc.constantFrom('queued' as const, 'all' as const),
  }),
  fc.constant({ op: 'expire' as const }),
  fc.constant({ op: 'prune' as const }),
);

type EndHow = 'consumed' | 'retry' | 'fatal' | 'cancelled' | 'rollback';

function runEnd(how: EndHow, runId: string): RunEnd {
  const error = { code: 'x', message: 'x' };
  switch (how) {
    case 'consumed':
      return { type: 'consumed', outcome: { status: 'completed_without_result', runId } };
    case 'retry':
      return { type: 'failed', retryable: true, maxAttempts: 2, error };
    case 'fatal':
      return { type: 'failed', retryable: false, maxAttempts: 2, error };
    case 'cancelled':
      return { type: 'cancelled', reason: 'x' };
    case 'rollback':
      return { type: 'rollback' };
  }
}

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
              applyLedgerPatch(
                ledger,
                planRunEnd(ledger, runId, runEnd(step.how, runId), now).patch,
              );
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

// The identity model: two sessions whose ledgers share a small retained pool (so both bounds evict),
// a model of the store that receives every durable write, and the shell's lookups done as ops-accept
// does them (memory first, the store only for what memory forgot).

/** What the store holds for one session: every input ever written and not pruned, by id. */
type StoreModel = Map<string, InputRecord>;

const reusing = fc.record({
  op: fc.constant('admit' as const),
  session: fc.nat(1),
  submission,
  inputId: fc.option(fc.constantFrom('u1', 'u2', 'u3', 'u4'), { nil: null }),
});

const sessionStep = fc.oneof(
  { arbitrary: reusing, weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('stage' as const), session: fc.nat(1) }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('end' as const),
      session: fc.nat(1),
      how: fc.constantFrom<EndHow>(
        'consumed',
        'consumed',
        'retry',
        'fatal',
        'cancelled',
        'rollback',
      ),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('abandon' as const), session: fc.nat(1) }), weight: 1 },
  { arbitrary: fc.constant({ op: 'prune' as const, session: 0 }), weight: 1 },
);

/** Writes a patch's records to the model store; a terminal record is never rewritten differently. */
function persist(store: StoreModel, patch: LedgerPatch): void {
  for (const record of patchRecords(patch)) {
    const before = store.get(record.header.inputId);
    if (before !== undefined && isTerminal(before.state))
      expect(canonicalJson(record), 'a terminal record was rewritten').toBe(canonicalJson(before));
    store.set(record.header.inputId, record);
  }
}

function storedByKey(store: StoreModel, key: string): InputRecord | null {
  return [...store.values()].find((r) => r.header.idempotencyKey === key) ?? null;
}

function checkAgainstStore(ledger: Ledger, store: StoreModel, runId: string | null): void {
  expect(checkLedgerInvariants(ledger, runId)).toEqual([]);
  // Memory holds every live input and a subset of the finished ones, each equal to its stored record.
  for (const record of [...ledger.live.values(), ...ledger.terminal.values()])
    expect(store.get(record.header.inputId)).toBe(record);
  for (const record of store.values())
    if (!isTerminal(record.state)) expect(ledger.live.get(record.header.inputId)).toBe(record);
  // A key names one input.
  const keys = [...store.values()].map((r) => r.header.idempotencyKey).filter((k) => k !== null);
  expect(new Set(keys).size).toBe(keys.length);
  expect([...ledger.retainedSizes.keys()]).toEqual([...ledger.terminal.keys()]);
  expect([...ledger.retainedSizes.values()].reduce((a, b) => a + b, 0)).toBe(ledger.retainedBytes);
  expect(ledger.terminal.size).toBeLessThanOrEqual(ledger.pool.perSession.records);
  // Every retained record has its slot in the pool's finish order.
  expect(ledger.queued).toBeGreaterThanOrEqual(ledger.terminal.size);
  expect(ledger.retainedBytes).toBeLessThanOrEqual(ledger.pool.perSession.bytes);
}

describe('input identity under random admissions with reused ids and keys', () => {
  it('never accepts a known id or key as new, never changes a finished record, and keeps memory bounded', () => {
    fc.assert(
      fc.property(fc.array(sessionStep, { minLength: 20, maxLength: 120 }), (steps) => {
        const pool = createRetainedPool({ records: 3, bytes: 2_000 }, { records: 4, bytes: 6_000 });
        const ledgers = [createLedger('s1', 1, pool), createLedger('s2', 1, pool)];
        const stores: StoreModel[] = [
          new Map<string, InputRecord>(),
          new Map<string, InputRecord>(),
        ];
        const runs: (string | null)[] = [null, null];
        let clock = 0;
        let minted = 0;
        for (const step of steps) {
          clock += 1;
          const now = at(clock);
          const ledger = ledgers[step.session] as Ledger;
          const store = stores[step.session] as StoreModel;
          const runId = runs[step.session] ?? null;
          switch (step.op) {
            case 'admit': {
              const id = step.inputId ?? `m${(minted += 1)}`;
              const request = admitRequest(id, step.submission, { now });
              const lookups = storeLookups(ledger, request.header, step.inputId !== null);
              const stored = {
                byId: lookups.inputId === null ? null : (store.get(lookups.inputId) ?? null),
                byKey:
                  lookups.idempotencyKey === null
                    ? null
                    : storedByKey(store, lookups.idempotencyKey),
              };
              const plan = planAdmit(ledger, request, {
                running: runId !== null,
                maxQueuedInputs: 6,
                stored,
              });
              const known = store.get(id);
              if (known !== undefined) {
                expect(plan.status).not.toBe('accepted');
                if (plan.status === 'deduplicated') expect(plan.existing).toEqual(known);
                if (plan.status === 'refused' && plan.code === 'idempotency_conflict')
                  expect(contentOf(known.header, known.payload)).not.toBe(
                    contentOf(request.header, request.payload),
                  );
              }
              if (plan.status === 'accepted') {
                persist(store, plan.patch);
                applyLedgerPatch(ledger, plan.patch);
              }
              break;
            }
            case 'stage': {
              if (runId !== null) break;
              const plan = planStageBatch(ledger, `run${clock}`, now);
              if (plan === null) break;
              persist(store, plan.patch);
              applyLedgerPatch(ledger, plan.patch);
              runs[step.session] = `run${clock}`;
              break;
            }
            case 'end': {
              if (runId === null) break;
              const plan = planRunEnd(ledger, runId, runEnd(step.how, runId), now);
              persist(store, plan.patch);
              applyLedgerPatch(ledger, plan.patch);
              runs[step.session] = null;
              break;
            }
            case 'abandon': {
              const plan = planAbandonPending(ledger, 'reset', 'queued', 'x', now);
              persist(store, plan.patch);
              applyLedgerPatch(ledger, plan.patch);
              break;
            }
            case 'prune': {
              // Memory and store prune with the same rule: finished and older than the cutoff.
              const cutoff = at(clock - 10);
              ledgers.forEach((l) => applyLedgerPatch(l, planPrune(l, cutoff, 0)));
              for (const s of stores)
                for (const [id, r] of s)
                  if (isTerminal(r.state) && r.updatedAt < cutoff) s.delete(id);
              break;
            }
          }
          ledgers.forEach((l, i) => checkAgainstStore(l, stores[i] as StoreModel, runs[i] ?? null));
          const retained = ledgers.reduce((n, l) => n + l.terminal.size, 0);
          expect(pool.records).toBe(retained);
          expect(pool.bytes).toBe(ledgers.reduce((n, l) => n + l.retainedBytes, 0));
          expect(retained).toBeLessThanOrEqual(pool.perProcess.records);
          expect(pool.bytes).toBeLessThanOrEqual(pool.perProcess.bytes);
          for (const l of ledgers)
            for (const r of l.terminal.values()) expect(findInput(l, r.header.inputId)).toBe(r);
        }
      }),
      { numRuns: 200 },
    );
  });
});
