// Conformance: retention removes records both old and beyond the newest N, and reports the counts.

import { describe, expect, it } from 'vitest';
import type { PrunePolicy } from '../runtime-store.js';
import type { HarnessContext } from './harness.js';
import { expectBurrowError } from './harness.js';
import { T0, at, events, input, operation, receipt } from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');
const DAY = 86_400_000;
const NOW = 10 * DAY;
const OLD = at(0);
const YOUNG = at(NOW - 3_600_000);
const done = { status: 'consumed', runId: 'r' } as const;

function policy(keep: {
  inputs: number;
  receipts: number;
  events: number;
  operations: number;
}): PrunePolicy {
  const rule = (keepPerSession: number): { maxAgeMs: number; keepPerSession: number } => ({
    maxAgeMs: DAY,
    keepPerSession,
  });
  return {
    now: T0 + NOW,
    inputs: rule(keep.inputs),
    receipts: rule(keep.receipts),
    events: rule(keep.events),
    operations: rule(keep.operations),
  };
}

/** Registers the retention cases. */
export function pruneCases(ctx: HarnessContext): void {
  describe('prune', () => {
    it('removes terminal records that are both older than maxAge and beyond the newest N per session', async () => {
      await ctx.store.commit(RT, {
        inputs: [
          input('s1', 't1', 1, done, { updatedAt: OLD }),
          input('s1', 't2', 2, done, { updatedAt: OLD }),
          input('s1', 't3', 3, done, { updatedAt: YOUNG }),
          input('s1', 't4', 4, done, { updatedAt: OLD }),
          input('s1', 't5', 5, done, { updatedAt: OLD }),
          input('s1', 'q6', 6, { status: 'queued' }, { updatedAt: OLD }),
          input('s1', 't7', 7, done, { updatedAt: YOUNG }),
        ],
        events: events('s1', 1, 6, () => OLD),
        operations: [
          operation('op-a', { completionSeq: 1, finishedAt: OLD }),
          operation('op-b', { completionSeq: 3, finishedAt: OLD }),
          operation('op-c'),
          operation('op-d', { completionSeq: 2, finishedAt: YOUNG }),
        ],
      });
      for (let seq = 1; seq <= 4; seq += 1)
        await ctx.store.commit(RT, { receipt: receipt(`r${seq}`, seq, [], OLD) });
      for (let seq = 1; seq <= 2; seq += 1) {
        await ctx.store.commit(runtimeIdOf('s2'), { receipt: receipt(`r${seq}`, seq, [], OLD) });
      }

      const report = await ctx.store.prune(
        policy({ inputs: 2, receipts: 1, events: 2, operations: 1 }),
      );

      expect(report).toEqual({ inputs: 3, receipts: 4, events: 4, operations: 1 });
      const stored = await ctx.store.load(RT);
      expect(stored?.inputs.map((record) => record.header.inputId)).toEqual([
        't3',
        't5',
        'q6',
        't7',
      ]);
      // Operations are ranked by completion seq: op-b (3) is the newest kept; op-d is young; op-a goes.
      expect(stored?.operations.map((op) => op.operationId)).toEqual(['op-b', 'op-c', 'op-d']);
      expect((await ctx.store.readReceipts(RT, 0, 10)).map((stored) => stored.runId)).toEqual([
        'r4',
      ]);
      expect(
        (await ctx.store.readReceipts(runtimeIdOf('s2'), 0, 10)).map((stored) => stored.runId),
      ).toEqual(['r2']);
      expect((await ctx.store.readEvents(RT, 0, 10)).map((event) => event.seq)).toEqual([5, 6]);
      expect(
        await ctx.store.prune(policy({ inputs: 2, receipts: 1, events: 2, operations: 1 })),
      ).toEqual({
        inputs: 0,
        receipts: 0,
        events: 0,
        operations: 0,
      });
    });

    it('keeps the event and receipt high-water marks when everything is pruned', async () => {
      await ctx.store.commit(RT, {
        events: events('s1', 1, 5, () => OLD),
        receipt: receipt('r1', 3, [], OLD),
      });
      await ctx.store.prune(policy({ inputs: 0, receipts: 0, events: 0, operations: 0 }));
      expect(await ctx.store.readEvents(RT, 0, 10)).toEqual([]);
      const stored = await ctx.store.load(RT);
      expect(stored?.eventHighWater).toBe(5);
      expect(stored?.receiptHighWater).toBe(3);
      // A reused seq would hand a replaying subscriber an event it believes it has already seen.
      await expectBurrowError(
        ctx.store.commit(RT, { events: events('s1', 2, 1) }),
        'internal',
        /event seq 2/,
      );
      await ctx.store.commit(RT, { events: events('s1', 6, 1) });
      expect((await ctx.store.readEvents(RT, 5, 10)).map((event) => event.seq)).toEqual([6]);
    });
  });
}
