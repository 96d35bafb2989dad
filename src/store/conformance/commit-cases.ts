// Conformance: a commit batch is one transaction; collisions and bad records leave nothing behind.

import { describe, expect, it } from 'vitest';
import type { DurableEvent } from '../../core/runtime-event.js';
import type { LifecycleRecord } from '../records.js';
import type { CommitBatch } from '../runtime-store.js';
import type { HarnessContext } from './harness.js';
import { expectBurrowError } from './harness.js';
import { boundLifecycle, events, input, lifecycle, messages, receipt } from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

/** The commit of a finished run: its inputs consumed, receipt, transcript, events, lifecycle. */
function runCommit(
  runId: string,
  seq: number,
  inputIds: string[],
  transcriptStart: number,
): CommitBatch {
  return {
    lifecycle: boundLifecycle('s1'),
    inputs: inputIds.map((id, i) => input('s1', id, i + 1, { status: 'consumed', runId })),
    receipt: receipt(runId, seq, inputIds),
    transcript: messages(transcriptStart, 2, runId),
    events: events('s1', seq * 10, 2),
  };
}

/** Registers the atomicity cases. */
export function commitCases(ctx: HarnessContext): void {
  describe('commit atomicity', () => {
    it("lands a run's transcript append together with its receipt and its inputs' terminal states", async () => {
      await ctx.store.commit(RT, {
        lifecycle: lifecycle('s1'),
        inputs: [input('s1', 'a', 1), input('s1', 'b', 2)],
      });
      await ctx.store.commit(RT, runCommit('r1', 1, ['a', 'b'], 0));
      const stored = await ctx.store.load(RT);
      expect(stored?.inputs.map((record) => record.state)).toEqual([
        { status: 'consumed', runId: 'r1' },
        { status: 'consumed', runId: 'r1' },
      ]);
      expect(stored?.transcriptLength).toBe(2);
      expect(stored?.receiptHighWater).toBe(1);
      expect(stored?.eventHighWater).toBe(11);
      expect(stored?.lifecycle).toEqual(boundLifecycle('s1'));
    });

    it('refuses a batch whose transcript collides with a stored index and writes none of it', async () => {
      await ctx.store.commit(RT, {
        lifecycle: lifecycle('s1'),
        inputs: [input('s1', 'a', 1), input('s1', 'b', 2)],
        transcript: messages(0, 3, 'r0'),
      });
      const before = await ctx.store.load(RT);
      // Index 1 is already stored: the whole batch, lifecycle and inputs included, must not land.
      const batch = { ...runCommit('r1', 1, ['a', 'b'], 1) };
      await expectBurrowError(ctx.store.commit(RT, batch), 'internal', /transcript index 1/);
      expect(await ctx.store.load(RT)).toEqual(before);
      expect(await ctx.store.readReceipts(RT, 0, 10)).toEqual([]);
      expect(await ctx.store.readEvents(RT, 0, 10)).toEqual([]);
      expect(await ctx.store.readTranscript(RT, 0, 10)).toEqual(messages(0, 3, 'r0'));
    });

    it('refuses a second receipt for the same run and writes nothing of that batch', async () => {
      await ctx.store.commit(RT, runCommit('r1', 1, ['a'], 0));
      const again: CommitBatch = {
        lifecycle: boundLifecycle('s1', 'retired'),
        receipt: receipt('r1', 2, ['a']),
        transcript: messages(2, 1, 'r1'),
      };
      await expectBurrowError(ctx.store.commit(RT, again), 'internal', /receipt of run r1/);
      const stored = await ctx.store.load(RT);
      expect(stored?.lifecycle?.phase).toBe('idle');
      expect(stored?.transcriptLength).toBe(2);
      expect(await ctx.store.readReceipts(RT, 0, 10)).toEqual([receipt('r1', 1, ['a'])]);
    });

    it('refuses event seqs at or below the stored high-water mark', async () => {
      await ctx.store.commit(RT, { events: events('s1', 1, 3) });
      const batch = { lifecycle: lifecycle('s1'), events: events('s1', 3, 2) };
      await expectBurrowError(ctx.store.commit(RT, batch), 'internal', /event seq 3/);
      expect((await ctx.store.load(RT))?.lifecycle).toBeNull();
      expect(await ctx.store.readEvents(RT, 0, 10)).toEqual(events('s1', 1, 3));
    });

    it('refuses a transcript append that would leave a gap', async () => {
      await ctx.store.commit(RT, { transcript: messages(0, 2, 'r1') });
      await expectBurrowError(
        ctx.store.commit(RT, { transcript: messages(3, 1, 'r2') }),
        'internal',
        /gap/,
      );
      expect((await ctx.store.load(RT))?.transcriptLength).toBe(2);
    });

    it('refuses an input whose admission seq another input holds', async () => {
      await ctx.store.commit(RT, { inputs: [input('s1', 'a', 1)] });
      await expectBurrowError(
        ctx.store.commit(RT, { inputs: [input('s1', 'b', 1)] }),
        'internal',
        /seq 1/,
      );
      expect(await ctx.store.readInput(RT, 'b')).toBeNull();
    });

    it('refuses to rewrite a stored terminal input with a different record, and writes nothing of that batch', async () => {
      const consumed = input('s1', 'a', 1, { status: 'consumed', runId: 'r1' });
      await ctx.store.commit(RT, { inputs: [consumed] });
      const before = await ctx.store.load(RT);
      const requeued = input('s1', 'a', 1);
      const replaced = input('s1', 'a', 1, { status: 'consumed', runId: 'r2' }, { content: 'x' });
      for (const rewrite of [requeued, replaced]) {
        await expectBurrowError(
          ctx.store.commit(RT, {
            lifecycle: boundLifecycle('s1'),
            inputs: [input('s1', 'b', 2), rewrite],
          }),
          'internal',
          /input a is stored terminal/,
        );
      }
      expect(await ctx.store.load(RT)).toEqual(before);
      expect(await ctx.store.readInput(RT, 'b')).toBeNull();
      // Writing the same terminal record again changes nothing and is allowed.
      await ctx.store.commit(RT, { inputs: [consumed] });
      expect(await ctx.store.readInput(RT, 'a')).toEqual(consumed);
    });

    it('refuses a batch with an invalid record anywhere in it, before writing anything', async () => {
      const bad = { ...events('s1', 2, 1)[0], data: { inputId: 'x' } } as unknown as DurableEvent;
      const batch = {
        lifecycle: lifecycle('s1'),
        inputs: [input('s1', 'a', 1)],
        events: [...events('s1', 1, 1), bad],
      };
      await expectBurrowError(ctx.store.commit(RT, batch), 'internal', /event/);
      expect(await ctx.store.load(RT)).toBeNull();
    });

    it('refuses values that JSON cannot carry unchanged, and durable phases that cannot be stored', async () => {
      const nan = { index: 0, runId: 'r1', message: { score: Number.NaN } };
      await expectBurrowError(
        ctx.store.commit(RT, { transcript: [nan] }),
        'internal',
        /message\.score/,
      );
      const date = input('s1', 'a', 1, { status: 'queued' }, { content: new Date(0) as never });
      await expectBurrowError(
        ctx.store.commit(RT, { inputs: [date] }),
        'internal',
        /payload\.content/,
      );
      const running = { ...lifecycle('s1'), phase: 'running' } as LifecycleRecord;
      await expectBurrowError(ctx.store.commit(RT, { lifecycle: running }), 'internal', /phase/);
      const progress = {
        ...events('s1', 1, 1)[0],
        type: 'run.progress',
        data: { runId: 'r1', progress: 1 },
      } as unknown as DurableEvent;
      await expectBurrowError(
        ctx.store.commit(RT, { events: [progress] }),
        'internal',
        /never stored/,
      );
      expect(await ctx.store.load(RT)).toBeNull();
    });

    it('applies commits to one session issued without awaiting in call order', async () => {
      await Promise.all([
        ctx.store.commit(RT, { transcript: messages(0, 2, 'r1'), events: events('s1', 1, 1) }),
        ctx.store.commit(RT, { transcript: messages(2, 2, 'r2'), events: events('s1', 2, 1) }),
      ]);
      expect(await ctx.store.readTranscript(RT, 0, 10)).toEqual([
        ...messages(0, 2, 'r1'),
        ...messages(2, 2, 'r2'),
      ]);
    });

    it('lands hundreds of concurrent commits for different sessions', async () => {
      const ids = Array.from({ length: 300 }, (_, i) => `c${i}`);
      await Promise.all(
        ids.map((id) =>
          ctx.store.commit(runtimeIdOf(id), {
            lifecycle: boundLifecycle(id),
            inputs: [input(id, `${id}-in`, 1, { status: 'consumed', runId: `${id}-run` })],
            receipt: receipt(`${id}-run`, 1, [`${id}-in`]),
            transcript: messages(0, 2, `${id}-run`),
          }),
        ),
      );
      for (const id of ids) {
        const stored = await ctx.store.load(runtimeIdOf(id));
        expect(stored?.lifecycle).toEqual(boundLifecycle(id));
        expect(stored?.inputs.map((record) => record.header.inputId)).toEqual([`${id}-in`]);
        expect(stored?.transcriptLength).toBe(2);
        expect(stored?.receiptHighWater).toBe(1);
      }
    });

    it('does not let one refused concurrent commit fail its neighbours', async () => {
      await ctx.store.commit(runtimeIdOf('bad'), { transcript: messages(0, 1, 'r0') });
      const good = Array.from({ length: 20 }, (_, i) => `g${i}`);
      const results = await Promise.allSettled([
        ...good
          .slice(0, 10)
          .map((id) => ctx.store.commit(runtimeIdOf(id), { lifecycle: lifecycle(id) })),
        ctx.store.commit(runtimeIdOf('bad'), {
          lifecycle: lifecycle('bad'),
          transcript: messages(0, 1, 'r1'),
        }),
        ...good
          .slice(10)
          .map((id) => ctx.store.commit(runtimeIdOf(id), { lifecycle: lifecycle(id) })),
      ]);
      expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
      expect(results[10]?.status).toBe('rejected');
      for (const id of good)
        expect((await ctx.store.load(runtimeIdOf(id)))?.lifecycle).toEqual(lifecycle(id));
      expect((await ctx.store.load(runtimeIdOf('bad')))?.lifecycle).toBeNull();
    });
  });
}
