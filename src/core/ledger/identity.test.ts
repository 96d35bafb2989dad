// The ledger's identity rules, its history rule and its memory bounds, one case each.

import { describe, expect, it } from 'vitest';
import type { InputSubmission } from '../input-kinds.js';
import type { InputRecord } from './input-record.js';
import type { Ledger } from './input-ledger.js';
import { applyLedgerPatch, createLedger, findInput, restoreLedger } from './input-ledger.js';
import type { AdmitContext } from './admit.js';
import { planAdmit } from './admit.js';
import { planStageBatch } from './batch.js';
import { admitRequest, at } from './fixtures.test-support.js';
import type { KnownInputs } from './identity.js';
import { NOTHING_KNOWN, storeLookups } from './identity.js';
import { checkLedgerInvariants } from './invariants.js';
import { createRetainedPool, releaseLedger, retainedSize } from './retained.js';
import { planRunEnd } from './run-end.js';

const IDLE: AdmitContext = { running: false, maxQueuedInputs: 1000, stored: NOTHING_KNOWN };

function prompt(content: string, extra: Partial<InputSubmission> = {}): InputSubmission {
  return { kind: 'prompt', content, ...extra } as InputSubmission;
}

function admit(ledger: Ledger, id: string, submission: InputSubmission, stored = NOTHING_KNOWN) {
  const plan = planAdmit(ledger, admitRequest(id, submission), { ...IDLE, stored });
  if (plan.status === 'accepted') applyLedgerPatch(ledger, plan.patch);
  return plan;
}

/** Admits, runs and consumes one input; returns its terminal record. */
function finish(ledger: Ledger, id: string, submission: InputSubmission = prompt(id)): InputRecord {
  admit(ledger, id, submission);
  const runId = `r-${id}`;
  const staged = planStageBatch(ledger, runId, at(1));
  if (staged !== null) applyLedgerPatch(ledger, staged.patch);
  const outcome = { status: 'completed_without_result', runId } as const;
  const end = planRunEnd(ledger, runId, { type: 'consumed', outcome }, at(2));
  applyLedgerPatch(ledger, end.patch);
  return end.records[0] as InputRecord;
}

describe('identity', () => {
  it('a reused id deduplicates on the same content and conflicts on any other, live or finished', () => {
    const l = createLedger('s1');
    const done = finish(l, 'y');
    admit(l, 'x', prompt('one'));
    expect(admit(l, 'x', prompt('one'))).toMatchObject({ status: 'deduplicated' });
    expect(admit(l, 'x', prompt('two'))).toMatchObject({
      status: 'refused',
      code: 'idempotency_conflict',
      existingInputId: 'x',
    });
    expect(admit(l, 'x', prompt('one', { whenBusy: 'merge' }))).toMatchObject({
      code: 'idempotency_conflict',
    });
    expect(admit(l, 'x', prompt('one', { idempotencyKey: 'k' }))).toMatchObject({
      code: 'idempotency_conflict',
    });
    expect(admit(l, 'y', prompt('y'))).toEqual({ status: 'deduplicated', existing: done });
    expect(admit(l, 'y', prompt('z'))).toMatchObject({ code: 'idempotency_conflict' });
    expect(findInput(l, 'x')?.payload).toEqual({ kind: 'prompt', content: 'one' });
  });

  it('an id and a key that name two different inputs conflict', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('same', { idempotencyKey: 'ka' }));
    admit(l, 'b', prompt('same', { idempotencyKey: 'kb' }));
    expect(admit(l, 'a', prompt('same', { idempotencyKey: 'kb' }))).toMatchObject({
      code: 'idempotency_conflict',
      existingInputId: 'a',
    });
  });

  it('a known key deduplicates whatever new id the caller proposes', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('same', { idempotencyKey: 'k' }));
    const plan = admit(l, 'fresh', prompt('same', { idempotencyKey: 'k' }));
    expect(plan.status === 'deduplicated' && plan.existing.header.inputId).toBe('a');
    expect(findInput(l, 'fresh')).toBeUndefined();
  });

  it('asks the store only for what a ledger that forgot records does not hold, never for a minted id', () => {
    const l = createLedger(
      's1',
      1,
      createRetainedPool({ records: 1, bytes: Infinity }, { records: Infinity, bytes: Infinity }),
    );
    const header = admitRequest('x', prompt('p', { idempotencyKey: 'k' })).header;
    expect(storeLookups(l, header, true)).toEqual({ inputId: null, idempotencyKey: null });
    const old = finish(l, 'x', prompt('p', { idempotencyKey: 'k' }));
    finish(l, 'y');
    expect(l.forgotten).toBe(true);
    expect(findInput(l, 'x')).toBeUndefined();
    expect(storeLookups(l, header, true)).toEqual({ inputId: 'x', idempotencyKey: 'k' });
    expect(storeLookups(l, header, false)).toEqual({ inputId: null, idempotencyKey: 'k' });
    expect(storeLookups(l, admitRequest('y', prompt('y')).header, true)).toEqual({
      inputId: null,
      idempotencyKey: null,
    });
    const stored: KnownInputs = { byId: old, byKey: old };
    expect(admit(l, 'x', prompt('p', { idempotencyKey: 'k' }), stored)).toEqual({
      status: 'deduplicated',
      existing: old,
    });
    expect(admit(l, 'x', prompt('q'), { byId: old, byKey: null })).toMatchObject({
      code: 'idempotency_conflict',
    });
  });
});

describe('history only grows', () => {
  it('refuses a patch that changes a finished record or makes it live again, and changes nothing', () => {
    const l = createLedger('s1');
    const done = finish(l, 'x');
    admit(l, 'q', prompt('q'));
    const before = structuredClone({ live: [...l.live], terminal: [...l.terminal] });
    const changed = { ...done, attempts: 7 };
    const live = { ...done, state: { status: 'queued' }, outcome: null } as const;
    for (const record of [changed, live]) {
      const queued = { ...(findInput(l, 'q') as InputRecord), attempts: 1 };
      expect(() =>
        applyLedgerPatch(l, {
          ops: [
            { op: 'put', record: queued },
            { op: 'put', record },
          ],
        }),
      ).toThrow(/input x is consumed/);
    }
    expect({ live: [...l.live], terminal: [...l.terminal] }).toEqual(before);
    applyLedgerPatch(l, { ops: [{ op: 'put', record: structuredClone(done) }] });
    expect(findInput(l, 'x')).toBe(done);
  });
});

describe('memory for finished inputs', () => {
  it('keeps at most the per-session count and bytes, evicting the oldest finished first', () => {
    const l = createLedger(
      's1',
      1,
      createRetainedPool({ records: 2, bytes: Infinity }, { records: Infinity, bytes: Infinity }),
    );
    for (const id of ['a', 'b', 'c']) finish(l, id, prompt(id, { idempotencyKey: `k-${id}` }));
    expect([...l.terminal.keys()]).toEqual(['b', 'c']);
    expect([...l.idempotency.keys()]).toEqual(['k-b', 'k-c']);
    expect(checkLedgerInvariants(l, null)).toEqual([]);
    const size = retainedSize(l.terminal.get('c') as InputRecord);
    const bytes = createLedger(
      's2',
      1,
      createRetainedPool(
        { records: 10, bytes: size * 2 + 1 },
        { records: Infinity, bytes: Infinity },
      ),
    );
    for (const id of ['a', 'b', 'c']) finish(bytes, id);
    expect([...bytes.terminal.keys()]).toEqual(['b', 'c']);
    expect(bytes.retainedBytes).toBeLessThanOrEqual(size * 2 + 1);
  });

  it('keeps at most the per-process count over every ledger of a pool, the oldest of any session first', () => {
    const pool = createRetainedPool(
      { records: 10, bytes: Infinity },
      { records: 3, bytes: Infinity },
    );
    const one = createLedger('s1', 1, pool);
    const two = createLedger('s2', 1, pool);
    finish(one, 'a');
    finish(two, 'b');
    finish(one, 'c');
    finish(two, 'd');
    expect([...one.terminal.keys()]).toEqual(['c']);
    expect([...two.terminal.keys()]).toEqual(['b', 'd']);
    expect(pool.records).toBe(3);
    releaseLedger(two);
    expect(pool.records).toBe(1);
    finish(one, 'e');
    finish(one, 'f');
    expect([...one.terminal.keys()]).toEqual(['c', 'e', 'f']);
    expect(pool.bytes).toBe(one.retainedBytes);
  });

  it('restores only the newest finished inputs the bound allows, and knows it forgot the rest', () => {
    const full = createLedger('s1');
    const records = ['a', 'b', 'c', 'd'].map((id) => finish(full, id));
    const pool = createRetainedPool(
      { records: 2, bytes: Infinity },
      { records: Infinity, bytes: Infinity },
    );
    const restored = restoreLedger('s1', records, at(3), pool);
    expect([...restored.terminal.keys()]).toEqual(['c', 'd']);
    expect(restored.forgotten).toBe(true);
    expect(restored.nextSeq).toBe(5);
    expect(pool.records).toBe(2);
  });
});
