// Conformance: the session lists — sessions with work (with their leases), the sessions a store knows —
// and the readiness probe.

import { describe, expect, it } from 'vitest';
import type { InputRecord } from '../../core/ledger/input-record.js';
import type { CommitBatch, RuntimeStore } from '../runtime-store.js';
import type { HarnessContext } from './harness.js';
import { boundLifecycle, events, input, lifecycle, operation, opsCursor } from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const consumed = { status: 'consumed', runId: 'r' } as const;

function steer(record: InputRecord): InputRecord {
  return { ...record, decision: { ...record.decision, lane: 'steer' } };
}

type Lists = Required<Pick<RuntimeStore, 'listRecoverableLeases' | 'listSessions' | 'probe'>>;

function lists(store: RuntimeStore): Lists {
  if (
    store.listRecoverableLeases === undefined ||
    store.listSessions === undefined ||
    store.probe === undefined
  )
    throw new Error(`the ${store.kind} store does not implement the session lists and probe`);
  return {
    listRecoverableLeases: () => store.listRecoverableLeases?.() ?? Promise.resolve([]),
    listSessions: (offset, limit) => store.listSessions?.(offset, limit) ?? Promise.resolve([]),
    probe: () => store.probe?.() ?? Promise.resolve(),
  };
}

/** Sessions covering each rule of "has work"; the names of those that have work start with `work`. */
const WORK_CASES: Record<string, CommitBatch> = {
  idleDone: { lifecycle: lifecycle('idleDone'), inputs: [input('idleDone', 'a', 1, consumed)] },
  workQueued: { lifecycle: lifecycle('workQueued'), inputs: [input('workQueued', 'a', 1)] },
  workAppliedNoLifecycle: {
    inputs: [input('workAppliedNoLifecycle', 'a', 1, { status: 'applied', runId: 'r' })],
  },
  bound: { lifecycle: boundLifecycle('bound') },
  retired: { lifecycle: lifecycle('retired', { phase: 'retired' }) },
  stopped: { lifecycle: lifecycle('stopped', { phase: 'stopped' }) },
  destroyed: {
    lifecycle: boundLifecycle('destroyed', 'destroyed'),
    inputs: [input('destroyed', 'a', 1)],
    operations: [operation('op-1')],
  },
  eventsOnly: { events: events('eventsOnly', 1, 1) },
  workOpInFlight: { lifecycle: lifecycle('workOpInFlight'), operations: [operation('op-1')] },
  workWakePending: {
    lifecycle: lifecycle('workWakePending'),
    operations: [operation('op-1', { completionSeq: 2, finishedAt: '2025-01-01T00:00:01.000Z' })],
    opsCursor: opsCursor(3),
  },
  // Unregistered with its snapshot retained: the wake left in its feed is nobody's work.
  unregisteredWake: {
    lifecycle: lifecycle('unregisteredWake', { phase: 'retired', epochId: '' }),
    operations: [operation('op-1', { completionSeq: 2, finishedAt: '2025-01-01T00:00:01.000Z' })],
    opsCursor: opsCursor(3),
  },
  wakeDelivered: {
    lifecycle: lifecycle('wakeDelivered'),
    operations: [operation('op-1', { completionSeq: 1, finishedAt: '2025-01-01T00:00:01.000Z' })],
    opsCursor: opsCursor(2),
  },
  childFinished: {
    lifecycle: lifecycle('childFinished'),
    operations: [
      {
        ...operation('op-1', { completionSeq: 2, finishedAt: '2025-01-01T00:00:01.000Z' }),
        kind: 'child_session',
      },
    ],
    opsCursor: opsCursor(3),
  },
};

/** Registers the list cases. */
export function listCases(ctx: HarnessContext): void {
  describe('listRecoverable and listRecoverableLeases', () => {
    it('list the sessions with work — live inputs, operations in flight, wakes not delivered — never destroyed ones', async () => {
      for (const [id, batch] of Object.entries(WORK_CASES))
        await ctx.store.commit(runtimeIdOf(id), batch);
      const expected = Object.keys(WORK_CASES)
        .filter((id) => id.startsWith('work'))
        .map((id) => runtimeIdOf(id))
        .sort();
      expect(await ctx.store.listRecoverable()).toEqual(expected);
      expect((await lists(ctx.store).listRecoverableLeases()).map((l) => l.runtimeId)).toEqual(
        expected,
      );
    });

    it('drop a session once its last live input is terminal', async () => {
      const rt = runtimeIdOf('s1');
      await ctx.store.commit(rt, { lifecycle: lifecycle('s1'), inputs: [input('s1', 'a', 1)] });
      expect(await ctx.store.listRecoverable()).toEqual([rt]);
      await ctx.store.commit(rt, {
        inputs: [input('s1', 'a', 1, { status: 'abandoned', reason: 'reset' })],
      });
      expect(await ctx.store.listRecoverable()).toEqual([]);
      expect(await lists(ctx.store).listRecoverableLeases()).toEqual([]);
    });

    it("report each session's lease owner and expiry, and nothing for a free lease", async () => {
      for (const id of ['a', 'b', 'c'])
        await ctx.store.commit(runtimeIdOf(id), { inputs: [input(id, 'x', 1)] });
      await ctx.store.claim?.(runtimeIdOf('a'), 'host-a', 1_000, 0);
      await ctx.store.claim?.(runtimeIdOf('b'), 'host-b', 1_000, 50);
      await ctx.store.release?.(runtimeIdOf('b'), 'host-b');
      // A claim alone (no commit) does not make a session with work.
      await ctx.store.claim?.(runtimeIdOf('d'), 'host-a', 1_000, 0);
      expect(await lists(ctx.store).listRecoverableLeases()).toEqual([
        { runtimeId: runtimeIdOf('a'), owner: 'host-a', expiresAt: 1_000 },
        { runtimeId: runtimeIdOf('b'), owner: null, expiresAt: null },
        { runtimeId: runtimeIdOf('c'), owner: null, expiresAt: null },
      ]);
    });
  });

  describe('listSessions', () => {
    it('lists every registered session (destroyed ones too) and none that was unregistered or never registered', async () => {
      const batches: Record<string, CommitBatch> = {
        idle: { lifecycle: lifecycle('idle') },
        retired: { lifecycle: lifecycle('retired', { phase: 'retired' }) },
        destroyed: { lifecycle: boundLifecycle('destroyed', 'destroyed') },
        inputsOnly: { inputs: [input('inputsOnly', 'a', 1)] },
        unregistered: { lifecycle: lifecycle('unregistered', { epochId: '' }) },
        retainedSnapshot: {
          lifecycle: lifecycle('retainedSnapshot', { phase: 'retired', epochId: '' }),
        },
        eventsOnly: { events: events('eventsOnly', 1, 1) },
      };
      for (const [id, batch] of Object.entries(batches))
        await ctx.store.commit(runtimeIdOf(id), batch);
      await ctx.store.claim?.(runtimeIdOf('claimedOnly'), 'host-a', 1_000, 0);
      await ctx.store.claim?.(runtimeIdOf('idle'), 'host-b', 2_000, 500);
      const none = { lease: null };
      expect(await lists(ctx.store).listSessions(0, 100)).toEqual([
        { runtimeId: runtimeIdOf('destroyed'), phase: 'destroyed', queue: 0, steer: 0, ...none },
        {
          runtimeId: runtimeIdOf('idle'),
          phase: 'idle',
          queue: 0,
          steer: 0,
          // The lease as stored: its owner and expiry (the store reads no clock).
          lease: { owner: 'host-b', expiresAt: 2_500 },
        },
        { runtimeId: runtimeIdOf('inputsOnly'), phase: 'idle', queue: 1, steer: 0, ...none },
        { runtimeId: runtimeIdOf('retired'), phase: 'retired', queue: 0, steer: 0, ...none },
      ]);
    });

    it('pages in runtime id order and counts the live inputs of each lane', async () => {
      for (const id of ['c', 'a', 'd', 'b'])
        await ctx.store.commit(runtimeIdOf(id), { lifecycle: lifecycle(id) });
      await ctx.store.commit(runtimeIdOf('b'), {
        inputs: [
          input('b', 'q1', 1),
          input('b', 'q2', 2),
          input('b', 'done', 3, consumed),
          steer(input('b', 's1', 4)),
        ],
      });
      const { listSessions } = lists(ctx.store);
      expect((await listSessions(1, 2)).map((s) => s.runtimeId)).toEqual([
        runtimeIdOf('b'),
        runtimeIdOf('c'),
      ]);
      expect((await listSessions(1, 1))[0]).toEqual({
        runtimeId: runtimeIdOf('b'),
        phase: 'idle',
        queue: 2,
        steer: 1,
        lease: null,
      });
      expect(await listSessions(4, 10)).toEqual([]);
      expect(await listSessions(0, 0)).toEqual([]);
      expect(await listSessions(0, Number.POSITIVE_INFINITY)).toHaveLength(4);
    });
  });

  describe('probe', () => {
    it('answers while the store is open and fails store_unavailable once it is closed', async () => {
      const { probe } = lists(ctx.store);
      await probe();
      await ctx.store.close();
      await expect(probe()).rejects.toMatchObject({ code: 'store_unavailable' });
    });
  });
}
