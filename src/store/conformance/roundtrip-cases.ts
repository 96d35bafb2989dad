// Conformance: every record type survives a commit and a read unchanged; ordering; upserts; big payloads.

import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../core/json.js';
import type { HarnessContext } from './harness.js';
import {
  at,
  boundLifecycle,
  events,
  input,
  lifecycle,
  messages,
  operation,
  opsCursor,
  receipt,
} from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

/** Registers the round-trip cases. */
export function roundTripCases(ctx: HarnessContext): void {
  describe('round trips', () => {
    it('returns null for a session that was never committed', async () => {
      expect(await ctx.store.load(RT)).toBeNull();
    });

    it('returns every record type exactly as it was committed', async () => {
      const life = {
        ...boundLifecycle('s1', 'retired'),
        silentIntents: ['ping'],
        visibility: {
          catalog: [{ name: 'search', provenance: 'builtin' }],
          nextRevision: 2,
          staged: {
            revision: 2,
            filter: { type: 'allow' as const, names: ['search'] },
            deferred: [],
          },
          active: { revision: 1, filter: { type: 'all' as const }, deferred: ['search'] },
        },
        // Tool calls waiting for a decision (issue 12) travel with the lifecycle.
        approvals: [
          {
            approvalId: 'approval-1',
            runId: 'r1',
            toolCallId: 'call-1',
            toolName: 'saveNote',
            input: { note: 'buy milk', tags: ['home', 2] },
            callHash: `sha256:${'a'.repeat(64)}`,
            requestedAt: at(1),
            expiresAt: at(3_600_001),
          },
        ],
      };
      const inputs = [
        input('s1', 'a', 1, { status: 'consumed', runId: 'r1' }, { idempotencyKey: 'k-a' }),
        input('s1', 'b', 2, { status: 'staged', runId: 'r2' }, { expiresAt: at(90_000) }),
        input('s1', 'c', 3, { status: 'abandoned', reason: 'max_attempts_exhausted' }),
        input('s1', 'd', 4, { status: 'superseded', by: 'e' }),
      ];
      const ops = [operation('op-a', { completionSeq: 1, finishedAt: at(5) }), operation('op-b')];
      const evs = events('s1', 1, 4);
      await ctx.store.commit(RT, {
        lifecycle: life,
        inputs,
        receipt: receipt('r1', 1, ['a']),
        transcript: messages(0, 3, 'r1'),
        events: evs,
        operations: ops,
        opsCursor: opsCursor(2),
      });
      const stored = await ctx.store.load(RT);
      expect(stored).toEqual({
        runtimeId: RT,
        lifecycle: life,
        inputs,
        transcriptLength: 3,
        eventHighWater: 4,
        receiptHighWater: 1,
        operations: ops,
        opsCursor: opsCursor(2),
      });
      expect(await ctx.store.readReceipts(RT, 0, 10)).toEqual([receipt('r1', 1, ['a'])]);
      expect(await ctx.store.readTranscript(RT, 0, 10)).toEqual(messages(0, 3, 'r1'));
      expect(await ctx.store.readEvents(RT, 0, 10)).toEqual(evs);
      expect(await ctx.store.readInput(RT, 'c')).toEqual(inputs[2]);
    });

    it('orders inputs by admission sequence, not by commit order', async () => {
      await ctx.store.commit(RT, { inputs: [input('s1', 'late', 9)] });
      await ctx.store.commit(RT, { inputs: [input('s1', 'early', 2), input('s1', 'mid', 5)] });
      const stored = await ctx.store.load(RT);
      expect(stored?.inputs.map((record) => record.header.inputId)).toEqual([
        'early',
        'mid',
        'late',
      ]);
    });

    it('replaces upserted records by key: inputs by id, operations by id, lifecycle and cursor', async () => {
      await ctx.store.commit(RT, {
        lifecycle: lifecycle('s1'),
        inputs: [input('s1', 'a', 1)],
        operations: [operation('op-a')],
        opsCursor: opsCursor(1),
      });
      const consumed = input(
        's1',
        'a',
        1,
        { status: 'consumed', runId: 'r1' },
        { updatedAt: at(50) },
      );
      const finished = operation('op-a', { completionSeq: 1, finishedAt: at(60) });
      await ctx.store.commit(RT, {
        lifecycle: boundLifecycle('s1', 'stopped'),
        inputs: [consumed],
        operations: [finished],
        opsCursor: opsCursor(2),
      });
      const stored = await ctx.store.load(RT);
      expect(stored?.lifecycle).toEqual(boundLifecycle('s1', 'stopped'));
      expect(stored?.inputs).toEqual([consumed]);
      expect(stored?.operations).toEqual([finished]);
      expect(stored?.opsCursor).toEqual(opsCursor(2));
    });

    it('deleteOperations removes the operations and the cursor, then applies the batch operations', async () => {
      await ctx.store.commit(RT, {
        operations: [operation('op-a'), operation('op-b')],
        opsCursor: opsCursor(3),
      });
      await ctx.store.commit(RT, { deleteOperations: true });
      let stored = await ctx.store.load(RT);
      expect(stored?.operations).toEqual([]);
      expect(stored?.opsCursor).toBeNull();
      await ctx.store.commit(RT, { operations: [operation('op-a')] });
      await ctx.store.commit(RT, { deleteOperations: true, operations: [operation('op-c')] });
      stored = await ctx.store.load(RT);
      expect(stored?.operations).toEqual([operation('op-c')]);
    });

    it('keeps sessions apart', async () => {
      await ctx.store.commit(RT, {
        inputs: [input('s1', 'a', 1)],
        transcript: messages(0, 2, 'r1'),
      });
      await ctx.store.commit(runtimeIdOf('s2'), { inputs: [input('s2', 'a', 1)] });
      expect((await ctx.store.load(runtimeIdOf('s2')))?.transcriptLength).toBe(0);
      expect(await ctx.store.readInput(runtimeIdOf('s2'), 'a')).toEqual(input('s2', 'a', 1));
    });

    it('round-trips payloads of several MiB', async () => {
      const big = 'x'.repeat(3 * 1024 * 1024) + '\u00e9\u{1F600}"\\\n';
      const nested: JsonValue = Array.from({ length: 2048 }, (_, i) => ({
        i,
        text: 'y'.repeat(1024),
      }));
      const record = input('s1', 'big', 1, { status: 'queued' }, { content: big });
      const message = { index: 0, runId: 'r1', message: { parts: nested } };
      await ctx.store.commit(RT, { inputs: [record], transcript: [message] });
      expect(await ctx.store.readInput(RT, 'big')).toEqual(record);
      expect(await ctx.store.readTranscript(RT, 0, 1)).toEqual([message]);
    });
  });
}
