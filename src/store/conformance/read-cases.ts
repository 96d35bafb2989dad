// Conformance: paged reads (events, receipts, transcript) and single inputs (by id and by idempotency
// key).

import { describe, expect, it } from 'vitest';
import type { HarnessContext } from './harness.js';
import { T0, at, events, input, messages, receipt } from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

/** Registers the read cases. */
export function readCases(ctx: HarnessContext): void {
  describe('reads', () => {
    it('pages events after a cursor, oldest first, at most limit', async () => {
      const all = events('s1', 1, 10);
      await ctx.store.commit(RT, { events: all.slice(0, 4) });
      await ctx.store.commit(RT, { events: all.slice(4) });
      expect(await ctx.store.readEvents(RT, 0, 3)).toEqual(all.slice(0, 3));
      expect(await ctx.store.readEvents(RT, 3, 5)).toEqual(all.slice(3, 8));
      expect(await ctx.store.readEvents(RT, 8, 100)).toEqual(all.slice(8));
      expect(await ctx.store.readEvents(RT, 10, 100)).toEqual([]);
      expect(await ctx.store.readEvents(RT, 0, 0)).toEqual([]);
      expect(await ctx.store.readEvents(RT, 0, Number.POSITIVE_INFINITY)).toEqual(all);
      expect(await ctx.store.readEvents(runtimeIdOf('none'), 0, 10)).toEqual([]);
    });

    it('pages the transcript by offset and limit', async () => {
      await ctx.store.commit(RT, { transcript: messages(0, 3, 'r1') });
      await ctx.store.commit(RT, { transcript: messages(3, 4, 'r2') });
      const all = [...messages(0, 3, 'r1'), ...messages(3, 4, 'r2')];
      expect(await ctx.store.readTranscript(RT, 0, 100)).toEqual(all);
      expect(await ctx.store.readTranscript(RT, 2, 3)).toEqual(all.slice(2, 5));
      expect(await ctx.store.readTranscript(RT, 7, 3)).toEqual([]);
      expect(await ctx.store.readTranscript(RT, 0, 0)).toEqual([]);
      expect(await ctx.store.readTranscript(RT, 5, Number.POSITIVE_INFINITY)).toEqual(all.slice(5));
    });

    it('pages receipts after a seq', async () => {
      for (let seq = 1; seq <= 5; seq += 1) {
        await ctx.store.commit(RT, { receipt: receipt(`r${seq}`, seq, []) });
      }
      const seqs = (await ctx.store.readReceipts(RT, 1, 3)).map((stored) => stored.seq);
      expect(seqs).toEqual([2, 3, 4]);
      expect(await ctx.store.readReceipts(runtimeIdOf('none'), 0, 10)).toEqual([]);
    });

    it('reads one input, terminal or not, and null for an unknown one', async () => {
      const queued = input('s1', 'q', 1);
      const done = input('s1', 'd', 2, { status: 'coalesced', into: 'q' });
      await ctx.store.commit(RT, { inputs: [queued, done] });
      expect(await ctx.store.readInput(RT, 'q')).toEqual(queued);
      expect(await ctx.store.readInput(RT, 'd')).toEqual(done);
      expect(await ctx.store.readInput(RT, 'nope')).toBeNull();
      expect(await ctx.store.readInput(runtimeIdOf('other'), 'q')).toBeNull();
    });
  });

  describe('readInputByIdempotencyKey', () => {
    it('finds the input carrying a key, terminal or not, only in its own session', async () => {
      const done = input(
        's1',
        'd',
        1,
        { status: 'consumed', runId: 'r' },
        { idempotencyKey: 'k1' },
      );
      const queued = input('s1', 'q', 2, undefined, { idempotencyKey: 'k2' });
      const plain = input('s1', 'p', 3);
      await ctx.store.commit(RT, { inputs: [done, queued, plain] });
      expect(await ctx.store.readInputByIdempotencyKey(RT, 'k1')).toEqual(done);
      expect(await ctx.store.readInputByIdempotencyKey(RT, 'k2')).toEqual(queued);
      expect(await ctx.store.readInputByIdempotencyKey(RT, 'k3')).toBeNull();
      expect(await ctx.store.readInputByIdempotencyKey(runtimeIdOf('other'), 'k1')).toBeNull();
    });

    it('answers the first admitted input should a key be stored twice', async () => {
      const first = input('s1', 'a', 1, undefined, { idempotencyKey: 'k' });
      const second = input('s1', 'b', 2, undefined, { idempotencyKey: 'k' });
      await ctx.store.commit(RT, { inputs: [second] });
      await ctx.store.commit(RT, { inputs: [first] });
      expect(await ctx.store.readInputByIdempotencyKey(RT, 'k')).toEqual(first);
    });

    it('forgets a key once retention pruned its input', async () => {
      const old = input(
        's1',
        'a',
        1,
        { status: 'consumed', runId: 'r' },
        { idempotencyKey: 'k', updatedAt: at(0) },
      );
      await ctx.store.commit(RT, { inputs: [old] });
      const rule = { maxAgeMs: 1_000, keepPerSession: 0 };
      await ctx.store.prune({
        now: T0 + 10_000,
        inputs: rule,
        receipts: rule,
        events: rule,
        operations: rule,
      });
      expect(await ctx.store.readInputByIdempotencyKey(RT, 'k')).toBeNull();
    });
  });
}
