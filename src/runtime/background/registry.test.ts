// BackgroundOps: persist-then-install for every durable step, events, continuations and their
// delivery, refusals as BurrowErrors, and one step at a time.

import { describe, expect, it } from 'vitest';
import { isBurrowError } from '../../core/errors.js';
import { inputSubmissionSchema } from '../../core/input-kinds.js';
import { harness } from './fixtures.test-support.js';
import { deferred, flush } from './fixtures.test-support.js';

async function runningTool(h: ReturnType<typeof harness>, meta: { tool: string } = { tool: 't' }) {
  const op = await h.ops.start('background_tool', meta);
  await h.ops.update(op.operationId, 'running');
  return op.operationId;
}

async function refusal(promise: Promise<unknown>): Promise<[string, string | undefined]> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isBurrowError(error)) return [error.code, error.details.guard];
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('durable steps', () => {
  it('persists the start, each update and the finish of a background tool before returning', async () => {
    const h = harness();
    const id = await runningTool(h);
    expect(h.persisted.map((c) => c.operations.map((o) => [o.operationId, o.status]))).toEqual([
      [['op1', 'provisioning']],
      [['op1', 'running']],
    ]);
    const report = await h.ops.finish(id, { status: 'completed', result: { hits: 3 } });
    expect(report.operation).toMatchObject({ status: 'completed', completionSeq: 1 });
    const terminal = h.persisted[2];
    expect(terminal?.operations).toEqual([
      expect.objectContaining({
        operationId: 'op1',
        status: 'completed',
        terminal: true,
        completionSeq: 1,
      }),
    ]);
    expect(terminal?.opsCursor).toEqual({
      epochId: 'e1',
      nextCompletionSeq: 2,
      applied: 0,
      observed: 0,
      injected: 0,
    });
  });

  it('never writes a capacity slot, but commits its steps as events', async () => {
    const h = harness();
    const slot = await h.ops.start('capacity_slot');
    await h.ops.update(slot.operationId, 'running');
    const report = await h.ops.finish(slot.operationId, { status: 'completed' });
    expect(report).toMatchObject({ continuation: 'none', operation: { completionSeq: null } });
    expect(h.persisted.map((c) => [c.operations, c.opsCursor])).toEqual([
      [[], undefined],
      [[], undefined],
      [[], undefined],
    ]);
    expect(h.events.map((e) => e.type)).toEqual(['op.started', 'op.updated', 'op.finished']);
  });

  it('emits op.started, op.updated and op.finished with their data', async () => {
    const h = harness();
    const id = await runningTool(h);
    await h.ops.finish(id, { status: 'failed', reason: 'boom' });
    expect(h.events.filter((e) => e.type.startsWith('op.'))).toEqual([
      { type: 'op.started', data: { operationId: 'op1', kind: 'background_tool' } },
      { type: 'op.updated', data: { operationId: 'op1', status: 'running' } },
      { type: 'op.finished', data: { operationId: 'op1', status: 'failed', completionSeq: 1 } },
    ]);
  });

  it('changes nothing in memory when persist fails, propagates the error, and succeeds on retry', async () => {
    const h = harness({ failPersistAt: [1, 4] });
    await expect(h.ops.start('background_tool')).rejects.toThrow('persist call 1 failed');
    expect(h.ops.state.operations).toEqual([]);
    const id = await runningTool(h); // persist calls 2 and 3
    const before = JSON.stringify(h.ops.state);
    const events = h.events.length;
    await expect(h.ops.finish(id, { status: 'completed' })).rejects.toThrow(
      'persist call 4 failed',
    );
    expect(JSON.stringify(h.ops.state)).toBe(before);
    expect(h.events.length).toBe(events);
    expect(h.admitted).toEqual([]);
    const report = await h.ops.finish(id, { status: 'completed' });
    expect(report.operation.completionSeq).toBe(1);
  });

  it('gives two operations finishing at once distinct sequence numbers, in call order', async () => {
    const h = harness();
    const a = (await h.ops.start('child_session')).operationId;
    const b = (await h.ops.start('child_session')).operationId;
    const gate = deferred();
    h.session.gate = gate.promise;
    const first = h.ops.finish(b, { status: 'aborted', reason: 'x' });
    const second = h.ops.finish(a, { status: 'cancelled', reason: 'y' });
    await flush();
    expect(h.calls.persist).toBe(3); // the second waits for the first: only one persist in flight
    gate.resolve();
    expect([(await first).operation.completionSeq, (await second).operation.completionSeq]).toEqual(
      [1, 2],
    );
  });
});

describe('refusals', () => {
  it('turns core refusals into BurrowErrors naming the guard', async () => {
    const h = harness();
    const op = await h.ops.start('child_session');
    expect(await refusal(h.ops.update(op.operationId, 'retiring'))).toEqual([
      'not_ready',
      'from_status',
    ]);
    expect(await refusal(h.ops.finish(op.operationId, { status: 'completed' }))).toEqual([
      'not_ready',
      'from_status',
    ]);
    expect(await refusal(h.ops.update('ghost', 'running'))).toEqual([
      'validation_failed',
      'known_operation',
    ]);
    expect(await refusal(h.ops.finish(op.operationId, { status: 'failed', reason: '' }))).toEqual([
      'validation_failed',
      'reason_given',
    ]);
    await h.ops.finish(op.operationId, { status: 'aborted', reason: 'gave up' });
    expect(
      await refusal(h.ops.finish(op.operationId, { status: 'terminated', reason: 'r' })),
    ).toEqual(['not_ready', 'not_terminal']);
  });

  it('cancels in flight, and returns an ended operation unchanged (a cancel racing the end)', async () => {
    const h = harness();
    const id = await runningTool(h);
    const cancelled = await h.ops.cancel(id, 'user asked');
    expect(cancelled).toMatchObject({
      operation: { status: 'cancelled', reason: 'user asked' },
      continuation: 'admitted',
    });
    const persists = h.calls.persist;
    expect(await h.ops.cancel(id)).toEqual({
      operation: cancelled.operation,
      continuation: 'none',
      sessionWasIdle: null,
    });
    expect(h.calls.persist).toBe(persists);
    expect(await refusal(h.ops.cancel('ghost'))).toEqual(['validation_failed', 'known_operation']);
  });
});

describe('continuations', () => {
  it('admits a valid continuation when a background tool finishes on an idle session, then observes it', async () => {
    const h = harness();
    const id = await runningTool(h, { tool: 'search' });
    const report = await h.ops.finish(id, { status: 'completed', result: { hits: 3 } });
    expect(report).toMatchObject({ continuation: 'admitted', sessionWasIdle: true });
    expect(h.admitted).toHaveLength(1);
    expect(inputSubmissionSchema.safeParse(h.admitted[0]).success).toBe(true);
    expect(h.admitted[0]).toMatchObject({
      kind: 'continuation',
      operationId: id,
      result: { status: 'completed', result: { hits: 3 }, meta: { tool: 'search' } },
      idempotencyKey: 'op:e1:1',
    });
    expect(h.persisted.at(-1)?.opsCursor?.observed).toBe(1);
    expect(h.persisted.at(-1)?.operations).toEqual([]);
  });

  it('admits it anyway when a turn is running (admission steers it into that turn)', async () => {
    const h = harness();
    const id = await runningTool(h);
    h.session.idle = false;
    expect(await h.ops.finish(id, { status: 'completed' })).toMatchObject({
      continuation: 'admitted',
      sessionWasIdle: false,
    });
    expect(h.admitted).toHaveLength(1);
  });

  it('admits nothing for a child session', async () => {
    const h = harness();
    const op = await h.ops.start('child_session');
    expect(
      (await h.ops.finish(op.operationId, { status: 'aborted', reason: 'r' })).continuation,
    ).toBe('none');
    expect(h.calls.admit).toBe(0);
  });

  it('keeps a failed admission pending: the step stands, observed stays, the next finish delivers both in order', async () => {
    const h = harness({ failAdmitAt: [1] });
    const a = await runningTool(h);
    const b = await runningTool(h);
    expect((await h.ops.finish(a, { status: 'completed' })).continuation).toBe('pending');
    expect(h.ops.get(a)?.status).toBe('completed');
    expect(h.ops.state.cursors.observed).toBe(0);
    expect(h.events.at(-1)).toMatchObject({ type: 'runtime.notice', data: { kind: 'ops' } });
    expect((await h.ops.finish(b, { status: 'completed' })).continuation).toBe('admitted');
    expect(h.admitted.map((s) => s.idempotencyKey)).toEqual(['op:e1:1', 'op:e1:2']);
    expect(h.ops.state.cursors.observed).toBe(2);
  });

  it('delivers again when the observed cursor could not be saved (twice, never lost)', async () => {
    const h = harness({ failPersistAt: [4] });
    const id = await runningTool(h);
    expect((await h.ops.finish(id, { status: 'completed' })).continuation).toBe('admitted');
    expect(h.ops.state.cursors.observed).toBe(0);
    expect(await h.ops.deliverPending()).toBe(1);
    expect(h.admitted.map((s) => s.idempotencyKey)).toEqual(['op:e1:1', 'op:e1:1']);
    expect(h.ops.state.cursors.observed).toBe(1);
    expect(await h.ops.deliverPending()).toBe(0);
  });
});

describe('the feed and its cursors', () => {
  it('reads notices since a sequence and moves cursors forward only, persisting each move', async () => {
    const h = harness();
    for (let i = 0; i < 2; i += 1) {
      const op = await h.ops.start('child_session');
      await h.ops.finish(op.operationId, { status: 'failed', reason: `r${i}` });
    }
    expect((await h.ops.feed(1)).map((n) => [n.seq, n.reason])).toEqual([[2, 'r1']]);
    await h.ops.advance('applied', 2);
    expect(h.persisted.at(-1)?.opsCursor?.applied).toBe(2);
    const persists = h.calls.persist;
    await h.ops.advance('applied', 2);
    expect(h.calls.persist).toBe(persists);
    expect(await refusal(h.ops.advance('applied', 1))).toEqual([
      'validation_failed',
      'cursor_forward',
    ]);
    expect(await refusal(h.ops.advance('injected', 3))).toEqual([
      'validation_failed',
      'cursor_within_feed',
    ]);
    expect(await refusal(h.ops.feed(-1))).toEqual(['validation_failed', 'valid_sequence']);
  });
});
