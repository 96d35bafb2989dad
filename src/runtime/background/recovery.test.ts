// BackgroundOps: waitAll barriers, recovery through a real (memory) store, and unregister.

import { describe, expect, it } from 'vitest';
import { isBurrowError } from '../../core/errors.js';
import { memoryStore } from '../../store/memory/memory-store.js';
import type { CommitBatch } from '../../store/runtime-store.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import type { OpsPersistChange } from './contract.js';
import { deferred, flush, harness } from './fixtures.test-support.js';

const rt = runtimeIdOf('s1');

describe('waitAll', () => {
  it('settles exactly when the last operation finishes, with the ended operations', async () => {
    const h = harness();
    const a = (await h.ops.start('background_tool')).operationId;
    const b = (await h.ops.start('child_session')).operationId;
    let settled = false;
    const barrier = h.ops.waitAll([a, b, a]).then((ops) => {
      settled = true;
      return ops;
    });
    await h.ops.finish(b, { status: 'aborted', reason: 'x' });
    await flush();
    expect(settled).toBe(false);
    const gate = deferred();
    h.session.gate = gate.promise;
    const last = h.ops.finish(a, { status: 'aborted', reason: 'y' });
    await flush();
    expect(settled).toBe(false); // not before the terminal step is persisted
    gate.resolve();
    await last;
    await flush();
    expect(settled).toBe(true);
    expect((await barrier).map((op) => [op.operationId, op.status])).toEqual([
      [a, 'aborted'],
      [b, 'aborted'],
    ]);
    expect(h.ops.openBarriers).toBe(0);
  });

  it('stays open when the last finish fails to persist, and settles on the retry', async () => {
    const h = harness({ failPersistAt: [2] });
    const a = (await h.ops.start('child_session')).operationId;
    let settled = false;
    void h.ops.waitAll([a]).then(() => (settled = true)); // observed through `settled`
    await expect(h.ops.finish(a, { status: 'aborted', reason: 'x' })).rejects.toThrow();
    await flush();
    expect(settled).toBe(false);
    await h.ops.finish(a, { status: 'aborted', reason: 'x' });
    await flush();
    expect(settled).toBe(true);
  });

  it('resolves at once when all already ended, and refuses unknown ids', async () => {
    const h = harness();
    const a = (await h.ops.start('capacity_slot')).operationId;
    await h.ops.finish(a, { status: 'aborted', reason: 'x' });
    expect((await h.ops.waitAll([a])).map((op) => op.status)).toEqual(['aborted']);
    expect(await h.ops.waitAll([])).toEqual([]);
    const error: unknown = await h.ops.waitAll([a, 'ghost']).catch((e: unknown) => e);
    expect(isBurrowError(error, 'validation_failed') && error.details.guard).toBe(
      'known_operations',
    );
  });

  it('rejects with signal.reason on abort and leaves no barrier behind', async () => {
    const h = harness();
    const a = (await h.ops.start('child_session')).operationId;
    const controller = new AbortController();
    const waiting = h.ops.waitAll([a], controller.signal);
    expect(h.ops.openBarriers).toBe(1);
    const reason = new Error('turn cancelled');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(h.ops.openBarriers).toBe(0);
    await expect(h.ops.waitAll([a], AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});

/** The store part of an ops change (its events are the session commit's business, not this test's). */
function opsBatch(change: OpsPersistChange): CommitBatch {
  return {
    operations: change.operations,
    ...(change.opsCursor === undefined ? {} : { opsCursor: change.opsCursor }),
  };
}

describe('recovery', () => {
  it('ends in-flight operations after a crash, persisting that first, and then delivers their wakes', async () => {
    const store = memoryStore();
    const before = harness({ onPersist: (change) => store.commit(rt, opsBatch(change)) });
    const done = (await before.ops.start('background_tool', { tool: 'a' })).operationId;
    await before.ops.update(done, 'running');
    await before.ops.finish(done, { status: 'completed', result: 1 });
    const inFlight = (await before.ops.start('background_tool', { tool: 'b' })).operationId;
    await before.ops.start('capacity_slot');
    // Crash. A new registry (new fresh epoch) recovers from what the store holds.
    const stored = await store.load(rt);
    const after = harness({ onPersist: (change) => store.commit(rt, opsBatch(change)) });
    await after.ops.recover(stored?.operations ?? [], stored?.opsCursor ?? null);
    expect(after.ops.epochId).toBe('e1');
    expect(after.ops.get(done)).toEqual(before.ops.get(done));
    expect(after.ops.get(inFlight)).toMatchObject({
      status: 'terminated',
      reason: 'runtime_restarted',
      completionSeq: 2,
    });
    expect(after.ops.state.operations).toHaveLength(2); // the capacity slot was never stored
    expect(after.persisted).toHaveLength(1);
    expect(after.events).toEqual([
      {
        type: 'op.finished',
        data: { operationId: inFlight, status: 'terminated', completionSeq: 2 },
      },
    ]);
    expect(await after.ops.deliverPending()).toBe(1);
    expect(
      after.admitted.map((s) => [s.idempotencyKey, s.kind === 'continuation' && s.reason]),
    ).toEqual([['op:e1:2', 'background tool terminated']]);
    const reloaded = await store.load(rt);
    expect(reloaded?.opsCursor).toMatchObject({ epochId: 'e1', nextCompletionSeq: 3, observed: 2 });
    expect(reloaded?.operations.every((op) => op.terminal)).toBe(true);
  });

  it('starts the given epoch when nothing is stored, and fails closed on a corrupt record', async () => {
    const fresh = harness();
    await fresh.ops.recover([], null);
    expect(fresh.ops.epochId).toBe('e1');
    expect(fresh.calls.persist).toBe(0);
    const corrupt = harness();
    const error: unknown = await corrupt.ops
      .recover([], { epochId: '', nextCompletionSeq: 1, applied: 0, observed: 0, injected: 0 })
      .catch((e: unknown) => e);
    expect(isBurrowError(error, 'internal') && error.details.issues).toEqual(['empty_epoch']);
  });

  it('refuses to recover after the registry was used', async () => {
    const h = harness();
    await h.ops.start('capacity_slot');
    await expect(h.ops.recover([], null)).rejects.toThrow('recover must come before');
  });
});

describe('unregister', () => {
  it('retains: ends in-flight operations in the unregister commit, closes, and opens barriers', async () => {
    const h = harness();
    const a = (await h.ops.start('child_session')).operationId;
    const barrier = h.ops.waitAll([a]);
    const batches: unknown[] = [];
    await h.ops.unregister('retain_snapshot', (batch) => {
      batches.push(batch);
      return Promise.resolve();
    });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({
      operations: [{ operationId: a, status: 'terminated', completionSeq: 1 }],
      opsCursor: { nextCompletionSeq: 2 },
    });
    expect((await barrier)[0]?.reason).toBe('session_unregistered');
    const error: unknown = await h.ops.start('child_session').catch((e: unknown) => e);
    expect(isBurrowError(error, 'not_ready') && error.details.guard).toBe('registry_open');
  });

  it('deletes: hands the commit a delete, and changes nothing when that commit fails', async () => {
    const h = harness();
    await h.ops.start('background_tool');
    const before = JSON.stringify(h.ops.state);
    const failing = () => Promise.reject(new Error('store down'));
    await expect(h.ops.unregister('delete_snapshot', failing)).rejects.toThrow('store down');
    expect(JSON.stringify(h.ops.state)).toBe(before);
    const batches: unknown[] = [];
    await h.ops.unregister('delete_snapshot', (batch) => {
      batches.push(batch);
      return Promise.resolve();
    });
    expect(batches).toEqual([
      {
        deleteOperations: true,
        events: [
          {
            type: 'op.finished',
            data: { operationId: 'op1', status: 'terminated', completionSeq: 1 },
          },
        ],
      },
    ]);
    expect(h.ops.state.open).toBe(false);
    expect(h.calls.admit).toBe(0); // no wake is delivered into a session that is going away
  });

  it('writes a retain through persist when no commit is given', async () => {
    const h = harness();
    await h.ops.start('background_tool');
    await h.ops.unregister('retain_snapshot');
    expect(h.persisted.at(-1)?.operations[0]?.status).toBe('terminated');
  });
});
