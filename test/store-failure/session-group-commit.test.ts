// Group commit within one session (issue 13): accepts into one session from concurrent callers share
// writes, nothing is acknowledged before it is durable, and a failed shared write fails every accept
// computed on it, publishes none of them, and leaves the session usable from the store.

import { afterEach, describe, expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { openFailingStore } from './failing-store.js';

const RT = runtimeIdOf('s1');
const HOST = 'group-commit-host';

let temp: TempDatabase | null = null;
const runtimes: Runtime[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  await temp?.remove();
  temp = null;
});

async function failingRuntime(groupCommit = true): Promise<{
  runtime: Runtime;
  failing: Awaited<ReturnType<typeof openFailingStore>>;
}> {
  temp = await createTempDatabase('burrow-session-group-');
  const failing = await openFailingStore(temp.path, 'rejected');
  const runtime = await createRuntime({ store: failing.store, hostId: HOST, groupCommit });
  runtimes.push(runtime);
  await runtime.registerSession('s1');
  return { runtime, failing };
}

/** `callers` concurrent callers, each accepting `each` inputs one after another; every outcome. */
async function acceptConcurrently(
  runtime: Runtime,
  callers: number,
  each: number,
): Promise<{ acked: string[]; refused: { id: string; code: string }[] }> {
  const acked: string[] = [];
  const refused: { id: string; code: string }[] = [];
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let i = 0; i < each; i += 1) {
        const inputId = `in-${c}-${i}`;
        try {
          await runtime.acceptInput('s1', { kind: 'prompt', content: 'x', inputId });
          acked.push(inputId);
        } catch (error: unknown) {
          refused.push({ id: inputId, code: isBurrowError(error) ? error.code : String(error) });
        }
      }
    }),
  );
  return { acked, refused };
}

describe('group commit within one session', () => {
  it('shares writes among concurrent accepts into one session, and every acknowledged accept is stored', async () => {
    temp = await createTempDatabase('burrow-session-group-');
    const store = await openSqliteStore(temp.path);
    const runtime = await createRuntime({ store });
    runtimes.push(runtime);
    await runtime.registerSession('s1');
    const before = store.statistics().transactions;
    const { acked, refused } = await acceptConcurrently(runtime, 10, 20);
    expect(refused).toEqual([]);
    expect(acked).toHaveLength(200);
    // Ten callers, one session: far fewer transactions than accepts (one each without grouping).
    expect(store.statistics().transactions - before).toBeLessThanOrEqual(50);
    const stored = (await store.load(RT))?.inputs ?? [];
    expect(new Set(stored.map((r) => r.header.inputId))).toEqual(new Set(acked));
    // Admission order in the ledger is the order the accepts were installed: contiguous seqs.
    const seqs = stored.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
  });

  it('answers the same input id sent twice at once, among others sharing a write, as one input and its duplicate', async () => {
    temp = await createTempDatabase('burrow-session-group-');
    const store = await openSqliteStore(temp.path);
    const runtime = await createRuntime({ store });
    runtimes.push(runtime);
    await runtime.registerSession('s1');
    const before = store.statistics().transactions;
    const sends = Array.from({ length: 10 }, (_, i) =>
      runtime.acceptInput('s1', {
        kind: 'prompt',
        content: 'same',
        inputId: i < 2 ? 'twice' : `other-${i}`,
      }),
    );
    const results = await Promise.all(sends);
    expect(store.statistics().transactions - before).toBeLessThan(10);
    expect(results.slice(0, 2).map((r) => [r.status, r.inputId])).toEqual([
      ['accepted', 'twice'],
      ['deduplicated', 'twice'],
    ]);
    const stored = (await store.load(RT))?.inputs ?? [];
    expect(stored.filter((r) => r.header.inputId === 'twice')).toHaveLength(1);
    expect(stored).toHaveLength(10 - 1);
  });

  it('writes each accept in its own transaction with groupCommit off', async () => {
    temp = await createTempDatabase('burrow-session-group-');
    const store = await openSqliteStore(temp.path, { groupCommit: false });
    const runtime = await createRuntime({ store, groupCommit: false });
    runtimes.push(runtime);
    await runtime.registerSession('s1');
    const before = store.statistics().transactions;
    await acceptConcurrently(runtime, 5, 4);
    expect(store.statistics().transactions - before).toBe(20);
  });

  it('fails every accept of a shared write that failed, publishes none of them, and recovers the session from the store', async () => {
    const { runtime, failing } = await failingRuntime();
    const live: RuntimeEvent[] = [];
    runtime.onEvent((event) => live.push(event));
    // Each caller's first accept shares the first write; their second ones share the next, which fails.
    failing.failAt(failing.calls + 2);
    const { acked, refused } = await acceptConcurrently(runtime, 10, 2);
    expect(failing.failures).toBe(1);
    expect(acked.sort()).toEqual(Array.from({ length: 10 }, (_, c) => `in-${c}-0`).sort());
    expect(refused.map((r) => r.id).sort()).toEqual(
      Array.from({ length: 10 }, (_, c) => `in-${c}-1`).sort(),
    );
    expect(refused.every((r) => r.code === 'store_unavailable')).toBe(true);

    // Exactly the acknowledged accepts are stored; the refused ones left no trace.
    const stored = (await failing.inner.load(RT))?.inputs ?? [];
    expect(stored.map((r) => r.header.inputId).sort()).toEqual([...acked].sort());
    // Subscribers saw the events of the acknowledged accepts only, and the store replays exactly those.
    const published = live.filter(isDurableEvent).filter((e) => e.sessionId === 's1');
    const replayed = await failing.inner.readEvents(RT, 0, 1_000);
    expect(published.map((e) => e.seq)).toEqual(
      replayed.map((e) => e.seq).filter((s) => published.some((p) => p.seq === s)),
    );
    for (const id of refused.map((r) => r.id))
      expect(published.some((e) => 'inputId' in e.data && e.data.inputId === id)).toBe(false);

    // The session was loaded again from the store: its inputs are the stored ones, ids of refused
    // accepts are free, and the next accept lands.
    const { inputs } = await runtime.listInputs('s1');
    expect(inputs.map((r) => r.header.inputId).sort()).toEqual([...acked].sort());
    const again = refused[0]?.id ?? 'unused';
    const retried = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'x',
      inputId: again,
    });
    expect(retried.status).toBe('accepted');
    expect(await failing.inner.readInput(RT, again)).not.toBeNull();
  });

  it('answers a repeated idempotency key only once the accept it repeats is durable', async () => {
    const { runtime, failing } = await failingRuntime();
    failing.failAt(failing.calls + 1);
    const first = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        runtime.acceptInput('s1', { kind: 'prompt', content: 'x', idempotencyKey: 'shared' }),
      ),
    );
    // The first was admitted ahead of its write and the second found to repeat it; that write
    // failed, so both are refused: nobody is told of a duplicate of an input that was never stored.
    // The third waited for the gate until the session was loaded again, and is a first accept there.
    const [admitted, repeated, later] = first;
    for (const outcome of [admitted, repeated]) {
      expect(outcome?.status).toBe('rejected');
      if (outcome?.status === 'rejected')
        expect(isBurrowError(outcome.reason, 'store_unavailable')).toBe(true);
    }
    if (later?.status === 'fulfilled') {
      expect(later.value.status).toBe('accepted');
      expect(await failing.inner.readInput(RT, later.value.inputId)).not.toBeNull();
    }
    const retried = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'x',
      idempotencyKey: 'shared',
    });
    if (later?.status === 'fulfilled')
      expect(retried).toMatchObject({ status: 'deduplicated', inputId: later.value.inputId });
    else expect(retried.status).toBe('accepted');
  });
});
