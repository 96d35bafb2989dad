// Conformance: a reopened store sees everything committed; a closed store refuses every call.

import { describe, expect, it } from 'vitest';
import type { HarnessContext } from './harness.js';
import { expectBurrowError } from './harness.js';
import {
  at,
  boundLifecycle,
  events,
  input,
  messages,
  operation,
  opsCursor,
  receipt,
} from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

/** Registers the reopen cases (for stores whose harness can reopen). */
export function reopenCases(ctx: HarnessContext): void {
  describe('reopen', () => {
    it('sees everything that was committed before the store was closed', async () => {
      const batch = {
        lifecycle: boundLifecycle('s1', 'retired'),
        inputs: [input('s1', 'a', 1, { status: 'consumed', runId: 'r1' }), input('s1', 'b', 2)],
        receipt: receipt('r1', 1, ['a']),
        transcript: messages(0, 4, 'r1'),
        events: events('s1', 1, 3),
        operations: [operation('op-1', { completionSeq: 1, finishedAt: at(9) })],
        opsCursor: opsCursor(2),
      };
      await ctx.store.commit(RT, batch);
      await ctx.store.commit(runtimeIdOf('s2'), { inputs: [input('s2', 'x', 1)] });
      const before = await ctx.store.load(RT);
      const reopened = await ctx.reopen();
      expect(await reopened.load(RT)).toEqual(before);
      expect(await reopened.readTranscript(RT, 0, 10)).toEqual(batch.transcript);
      expect(await reopened.readEvents(RT, 0, 10)).toEqual(batch.events);
      expect(await reopened.readReceipts(RT, 0, 10)).toEqual([batch.receipt]);
      expect(await reopened.readInput(runtimeIdOf('s2'), 'x')).toEqual(input('s2', 'x', 1));
      expect([...(await reopened.listRecoverable())].sort()).toEqual([RT, runtimeIdOf('s2')]);
    });

    it('keeps leases and fence tokens across a reopen', async () => {
      expect(await ctx.store.claim?.(RT, 'host-a', 1_000, 0)).toBe(1);
      const reopened = await ctx.reopen();
      expect(await reopened.claim?.(RT, 'host-b', 1_000, 500)).toBeNull();
      expect(await reopened.claim?.(RT, 'host-b', 1_000, 1_000)).toBe(2);
      await expectBurrowError(reopened.commit(RT, { inputs: [input('s1', 'a', 1)] }, 1), 'fenced');
    });
  });
}

/** Registers the closed-store cases. */
export function closeCases(ctx: HarnessContext): void {
  describe('close', () => {
    it('is idempotent and makes every later call fail store_unavailable', async () => {
      await ctx.store.commit(RT, { inputs: [input('s1', 'a', 1)] });
      await Promise.all([ctx.store.close(), ctx.store.close()]);
      await ctx.store.close();
      await expectBurrowError(ctx.store.load(RT), 'store_unavailable');
      await expectBurrowError(
        ctx.store.commit(RT, { inputs: [input('s1', 'b', 2)] }),
        'store_unavailable',
      );
      await expectBurrowError(ctx.store.readEvents(RT, 0, 1), 'store_unavailable');
      await expectBurrowError(ctx.store.listRecoverable(), 'store_unavailable');
    });
  });
}
