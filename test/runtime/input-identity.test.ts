// Input identity through the whole runtime (issue 10, item 1): a reused input id or idempotency key
// deduplicates when the content matches and conflicts when it does not, for live and finished
// inputs, also once memory has evicted the record (the store answers); a record's history never changes.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import type { InputSubmission } from '../../src/core/input-kinds.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { deferred } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';

const prompt = (content: string, extra: Partial<InputSubmission> = {}): InputSubmission =>
  ({ kind: 'prompt', content, ...extra }) as InputSubmission;

async function refusal(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => new Error('expected a refusal'),
    (error: unknown) => error,
  );
}

/** A session whose first turn is held open, so later inputs stay queued. */
async function busySession(store?: RuntimeStore) {
  const { runtime } = await testRuntime(store === undefined ? {} : { store });
  const hold = deferred();
  const running = deferred();
  const executor = scriptedExecutor((_run, index) =>
    index === 0
      ? {
          gate: () => {
            running.resolve();
            return hold.promise;
          },
        }
      : {},
  );
  await runtime.registerSessionWithExecutor('s1', executor);
  await runtime.acceptInput('s1', prompt('first'));
  await running.promise;
  return { runtime, executor, release: () => hold.resolve() };
}

describe('a caller-supplied input id reused', () => {
  it('with a different content is refused idempotency_conflict, and the first caller still gets its own outcome', async () => {
    const { runtime, release } = await busySession();
    const mine = await runtime.acceptInput('s1', prompt('mine', { inputId: 'x' }));
    const error = await refusal(runtime.acceptInput('s1', prompt('theirs', { inputId: 'x' })));
    expect(isBurrowError(error, 'idempotency_conflict')).toBe(true);
    expect(isBurrowError(error) && error.details.existingInputId).toBe('x');
    release();
    expect(await mine.completion).toMatchObject({ status: 'completed', result: ['mine'] });
    expect((await runtime.getInput('s1', 'x'))?.payload).toMatchObject({ content: 'mine' });
  });

  it('with the same content answers deduplicated and attaches to the first input outcome', async () => {
    const { runtime, executor, release } = await busySession();
    const first = await runtime.acceptInput('s1', prompt('same', { inputId: 'x' }));
    const again = await runtime.acceptInput('s1', prompt('same', { inputId: 'x' }));
    expect(again).toMatchObject({ status: 'deduplicated', inputId: 'x' });
    release();
    expect(await again.completion).toEqual(await first.completion);
    expect(executor.runs.map((r) => r.inputIds)).toEqual([[expect.any(String)], ['x']]);
  });

  it('with a different idempotency key is a conflict, even with the same payload', async () => {
    const { runtime, release } = await busySession();
    await runtime.acceptInput('s1', prompt('same', { inputId: 'x', idempotencyKey: 'k1' }));
    const error = await refusal(
      runtime.acceptInput('s1', prompt('same', { inputId: 'x', idempotencyKey: 'k2' })),
    );
    expect(isBurrowError(error, 'idempotency_conflict')).toBe(true);
    const unkeyed = await refusal(runtime.acceptInput('s1', prompt('same', { inputId: 'x' })));
    expect(isBurrowError(unkeyed, 'idempotency_conflict')).toBe(true);
    release();
  });

  it('after the input was consumed neither runs it again nor changes its record', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    const first = await runtime.acceptInput('s1', prompt('once', { inputId: 'x' }));
    const outcome = await first.completion;
    const record = await runtime.getInput('s1', 'x');
    expect(record?.state.status).toBe('consumed');
    const again = await runtime.acceptInput('s1', prompt('once', { inputId: 'x' }));
    expect(again.status).toBe('deduplicated');
    expect(await again.completion).toEqual(outcome);
    const error = await refusal(runtime.acceptInput('s1', prompt('twice', { inputId: 'x' })));
    expect(isBurrowError(error, 'idempotency_conflict')).toBe(true);
    expect(executor.runs).toHaveLength(1);
    expect(await runtime.getInput('s1', 'x')).toEqual(record);
  });

  it('after the input was abandoned keeps its abandoned record', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    await runtime.registerSession('s1');
    await runtime.acceptInput('s1', prompt('dropped', { inputId: 'x' }));
    await runtime.retire('s1');
    const record = await runtime.getInput('s1', 'x');
    expect(record?.state).toEqual({ status: 'abandoned', reason: 'retired' });
    await runtime.recycle('s1');
    const error = await refusal(runtime.acceptInput('s1', prompt('revived', { inputId: 'x' })));
    expect(isBurrowError(error, 'idempotency_conflict')).toBe(true);
    expect(await runtime.getInput('s1', 'x')).toEqual(record);
  });
});

describe('identity once memory has evicted the record', () => {
  let db: TempDatabase;
  beforeEach(async () => {
    db = await createTempDatabase();
  });
  afterEach(async () => {
    await db.remove();
  });

  it('the store answers for a reused id and a reused idempotency key (SQLite)', async () => {
    const { runtime } = await testRuntime({
      store: await openSqliteStore(db.path),
      retainedInputs: { sessionRecords: 2 },
    });
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    const first = await runtime.acceptInput(
      's1',
      prompt('old', { inputId: 'x', idempotencyKey: 'k' }),
    );
    const outcome = await first.completion;
    for (let i = 0; i < 4; i += 1)
      await (
        await runtime.acceptInput('s1', prompt(`later ${i}`))
      ).completion;
    expect(runtime.diagnostics().sessions[0]?.retainedInputs).toBe(2);
    expect((await runtime.getInput('s1', 'x'))?.outcome).toEqual(outcome);
    const byId = await runtime.acceptInput(
      's1',
      prompt('old', { inputId: 'x', idempotencyKey: 'k' }),
    );
    expect(byId.status).toBe('deduplicated');
    expect(await byId.completion).toEqual(outcome);
    const byKey = await runtime.acceptInput('s1', prompt('old', { idempotencyKey: 'k' }));
    expect(byKey).toMatchObject({ status: 'deduplicated', inputId: 'x' });
    const conflict = await refusal(runtime.acceptInput('s1', prompt('new', { inputId: 'x' })));
    expect(isBurrowError(conflict, 'idempotency_conflict')).toBe(true);
    const keyConflict = await refusal(
      runtime.acceptInput('s1', prompt('new', { idempotencyKey: 'k' })),
    );
    expect(isBurrowError(keyConflict, 'idempotency_conflict')).toBe(true);
    expect(executor.runs).toHaveLength(5);
  });
});

describe('memory held for finished inputs', () => {
  it('stays within the per-session and per-process bounds, and evicted inputs are still found and deduplicated', async () => {
    const limits = {
      sessionRecords: 5,
      sessionBytes: 64 * 1024,
      processRecords: 12,
      processBytes: 1 << 20,
    };
    const { runtime } = await testRuntime({ store: memoryStore(), retainedInputs: limits });
    const sessions = ['a', 'b', 'c', 'd'];
    for (const id of sessions) await runtime.registerSessionWithExecutor(id, scriptedExecutor());
    const firsts = new Map<string, string>();
    for (let i = 0; i < 20; i += 1) {
      for (const id of sessions) {
        const { inputId, completion } = await runtime.acceptInput(id, prompt(`${id} ${i}`));
        if (i === 0) firsts.set(id, inputId);
        await completion;
        const d = runtime.diagnostics();
        for (const s of d.sessions) {
          expect(s.retainedInputs).toBeLessThanOrEqual(limits.sessionRecords);
          expect(s.retainedBytes).toBeLessThanOrEqual(limits.sessionBytes);
        }
        expect(d.retained.records).toBeLessThanOrEqual(limits.processRecords);
        expect(d.retained.bytes).toBeLessThanOrEqual(limits.processBytes);
      }
    }
    expect(runtime.diagnostics().retained.records).toBe(limits.processRecords);
    for (const [id, inputId] of firsts) {
      const record = await runtime.getInput(id, inputId);
      expect(record?.state.status).toBe('consumed');
      const again = await runtime.acceptInput(id, prompt(`${id} 0`, { inputId }));
      expect(again.status).toBe('deduplicated');
    }
  });

  it('is bounded by bytes: big finished inputs leave memory first', async () => {
    const limits = { sessionBytes: 10_000 };
    const { runtime } = await testRuntime({ store: memoryStore(), retainedInputs: limits });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const big = 'x'.repeat(3_000);
    for (let i = 0; i < 10; i += 1)
      await (
        await runtime.acceptInput('s1', prompt(`${i} ${big}`))
      ).completion;
    const session = runtime.diagnostics().sessions[0];
    expect(session?.retainedBytes).toBeLessThanOrEqual(10_000);
    expect(session?.retainedInputs).toBeGreaterThan(0);
    expect(session?.retainedInputs).toBeLessThan(10);
  });

  it('without a store keeps the bound too: an evicted input is gone, so its id may be used again', async () => {
    const { runtime } = await testRuntime({ retainedInputs: { sessionRecords: 1 } });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    await (
      await runtime.acceptInput('s1', prompt('one', { inputId: 'x' }))
    ).completion;
    await (
      await runtime.acceptInput('s1', prompt('two'))
    ).completion;
    expect(await runtime.getInput('s1', 'x')).toBeNull();
    const reused = await runtime.acceptInput('s1', prompt('three', { inputId: 'x' }));
    expect(reused.status).toBe('accepted');
    await reused.completion;
  });
});
