// Starting operations, completion sequence numbers, the feed, its cursors, barriers, continuations and
// the unregister durability decision.

import { describe, expect, it } from 'vitest';
import { inputSubmissionSchema } from '../input-kinds.js';
import { startOp, stepOp } from './lifecycle.js';
import { continuationFor } from './continuation.js';
import { advanceCursor, evaluateWaitAll, feedSince, unobserved } from './feed.js';
import { at, deepFreeze, must, withOpAt } from './fixtures.test-support.js';
import { checkOpsInvariants } from './invariants.js';
import { resolveOpsDurability } from './recovery.js';
import type { OpsState } from './state.js';
import { createOpsState, findOperation } from './state.js';

const fresh = (): OpsState => createOpsState('e1');
const start = (state: OpsState, operationId: string, kind = 'background_tool' as const) =>
  startOp(state, { operationId, kind, meta: null, now: at(1) });

/** tool1 and child1 finished (seqs 1 and 2), slot1 finished (no seq), tool2 running. */
function mixed(): OpsState {
  let s = withOpAt(fresh(), 'tool1', 'background_tool', 'completed', 1);
  s = withOpAt(s, 'slot1', 'capacity_slot', 'completed', 2);
  s = withOpAt(s, 'child1', 'child_session', 'failed', 3);
  return withOpAt(s, 'tool2', 'background_tool', 'running', 4);
}

describe('starting an operation', () => {
  it('puts it in provisioning with its meta and start time', () => {
    const s = must(
      startOp(fresh(), { operationId: 'a', kind: 'child_session', meta: { x: 1 }, now: at(2) }),
    );
    expect(findOperation(s, 'a')).toMatchObject({
      status: 'provisioning',
      kind: 'child_session',
      meta: { x: 1 },
      startedAt: at(2),
      completionSeq: null,
    });
  });

  it('refuses a reused id, an empty id, an unknown kind and a closed registry, naming each guard', () => {
    const s = must(start(fresh(), 'a'));
    const guard = (r: ReturnType<typeof startOp>): string | null => (r.ok ? null : r.refusal.guard);
    expect(guard(start(s, 'a'))).toBe('fresh_operation_id');
    expect(guard(start(s, ''))).toBe('valid_operation_id');
    const unknownKind = {
      operationId: 'b',
      kind: 'cron' as 'child_session',
      meta: null,
      now: at(1),
    };
    expect(guard(startOp(s, unknownKind))).toBe('known_kind');
    const closed = resolveOpsDurability(s, 'retain_snapshot', at(2)).state;
    expect(guard(start(closed, 'b'))).toBe('registry_open');
  });

  it('never mutates the state it is given', () => {
    const s = deepFreeze(must(start(fresh(), 'a')));
    expect(() => stepOp(s, 'a', { type: 'Cancel', reason: 'r' }, at(2))).not.toThrow();
    expect(findOperation(s, 'a')?.status).toBe('provisioning');
  });
});

describe('completion sequence numbers and the feed', () => {
  it('numbers terminal steps of feed kinds 1, 2, ... in finishing order; capacity slots take none', () => {
    const s = mixed();
    expect(findOperation(s, 'tool1')?.completionSeq).toBe(1);
    expect(findOperation(s, 'slot1')?.completionSeq).toBeNull();
    expect(findOperation(s, 'child1')?.completionSeq).toBe(2);
    expect(s.nextCompletionSeq).toBe(3);
    expect(s.feed).toEqual([
      { seq: 1, operationId: 'tool1' },
      { seq: 2, operationId: 'child1' },
    ]);
    expect(checkOpsInvariants(s)).toEqual([]);
  });

  it('reads the notices after a sequence number, in order, and nothing past the end', () => {
    const s = mixed();
    const read = (since: number) => {
      const r = feedSince(s, since);
      return r.ok ? r.notices.map((n) => [n.seq, n.operationId, n.status]) : r.refusal.guard;
    };
    expect(read(0)).toEqual([
      [1, 'tool1', 'completed'],
      [2, 'child1', 'failed'],
    ]);
    expect(read(1)).toEqual([[2, 'child1', 'failed']]);
    expect(read(2)).toEqual([]);
    expect(read(99)).toEqual([]);
    expect(read(-1)).toBe('valid_sequence');
    expect(read(1.5)).toBe('valid_sequence');
  });

  it('carries the result of a completed operation and the reason of a failed one', () => {
    const r = feedSince(mixed(), 0);
    expect(r.ok && r.notices.map((n) => [n.result, n.reason])).toEqual([
      [{ ok: true }, null],
      [null, 'fail reason'],
    ]);
  });
});

describe('the three cursors', () => {
  it('move forward within the feed, idempotently to the same place', () => {
    const s = mixed();
    const a = advanceCursor(s, 'applied', 1);
    expect(a.ok && a.moved && a.state.cursors).toEqual({ applied: 1, observed: 0, injected: 0 });
    const same = a.ok ? advanceCursor(a.state, 'applied', 1) : a;
    expect(same.ok && same.moved).toBe(false);
    const end = advanceCursor(s, 'injected', 2);
    expect(end.ok && end.state.cursors.injected).toBe(2);
  });

  it('refuse to move backwards, past the last sequence number, or from a bad value', () => {
    const s = mixed();
    const moved = advanceCursor(s, 'observed', 2);
    if (!moved.ok) throw new Error('setup');
    const guard = (r: ReturnType<typeof advanceCursor>) => (r.ok ? null : r.refusal.guard);
    expect(guard(advanceCursor(moved.state, 'observed', 1))).toBe('cursor_forward');
    expect(guard(advanceCursor(s, 'applied', 3))).toBe('cursor_within_feed');
    expect(guard(advanceCursor(s, 'applied', -1))).toBe('valid_sequence');
    expect(guard(advanceCursor(s, 'seen' as 'applied', 1))).toBe('known_cursor');
    const closed = resolveOpsDurability(s, 'delete_snapshot', at(9)).state;
    expect(guard(advanceCursor(closed, 'applied', 1))).toBe('registry_open');
  });

  it('leave the feed past `observed` as the completions whose wake is not yet delivered', () => {
    const s = mixed();
    expect(unobserved(s).map((n) => n.seq)).toEqual([1, 2]);
    const moved = advanceCursor(s, 'observed', 1);
    expect(moved.ok && unobserved(moved.state).map((n) => n.seq)).toEqual([2]);
  });
});

describe('waitAll barriers', () => {
  it('lists the operations still in flight, each once, and none when all ended', () => {
    const s = mixed();
    expect(evaluateWaitAll(s, ['tool2', 'tool1', 'tool2'])).toEqual({
      ok: true,
      pending: ['tool2'],
    });
    expect(evaluateWaitAll(s, ['tool1', 'child1', 'slot1'])).toEqual({ ok: true, pending: [] });
    expect(evaluateWaitAll(s, [])).toEqual({ ok: true, pending: [] });
  });

  it('refuses unknown ids, naming the first', () => {
    const r = evaluateWaitAll(mixed(), ['tool1', 'ghost', 'ghost2']);
    expect(r.ok ? null : [r.refusal.guard, r.refusal.operationId]).toEqual([
      'known_operations',
      'ghost',
    ]);
  });
});

describe('the continuation of a finished background tool', () => {
  it('is a valid continuation submission carrying the operation, its status and result', () => {
    const read = feedSince(mixed(), 0);
    const notice = read.ok ? read.notices[0] : undefined;
    if (notice === undefined) throw new Error('setup');
    const submission = continuationFor('e1', notice, { tool: 'x' });
    expect(inputSubmissionSchema.safeParse(submission).success).toBe(true);
    expect(submission).toEqual({
      kind: 'continuation',
      reason: 'background tool completed',
      operationId: 'tool1',
      result: {
        status: 'completed',
        completionSeq: 1,
        result: { ok: true },
        reason: null,
        meta: { tool: 'x' },
      },
      origin: 'system',
      idempotencyKey: 'op:e1:1',
    });
  });

  it('is not produced for a child session (in the feed, but it wakes nobody)', () => {
    const read = feedSince(mixed(), 1);
    const notice = read.ok ? read.notices[0] : undefined;
    expect(notice?.kind).toBe('child_session');
    expect(notice && continuationFor('e1', notice, null)).toBeNull();
  });
});

describe('the durability decision on unregister', () => {
  it('ends in-flight operations terminated{session_unregistered} and closes, for retain and delete', () => {
    for (const action of ['retain_snapshot', 'delete_snapshot'] as const) {
      let s = withOpAt(mixed(), 'slot2', 'capacity_slot', 'running', 5);
      const result = resolveOpsDurability(s, action, at(9));
      expect(result.store).toBe(action === 'retain_snapshot' ? 'retain' : 'delete');
      expect(
        result.changed.map((op) => [op.operationId, op.status, op.reason, op.completionSeq]),
      ).toEqual([
        ['tool2', 'terminated', 'session_unregistered', 3],
        ['slot2', 'terminated', 'session_unregistered', null],
      ]);
      s = result.state;
      expect(s.open).toBe(false);
      expect(checkOpsInvariants(s)).toEqual([]);
      const again = resolveOpsDurability(s, action, at(10));
      expect(again.changed).toEqual([]);
      expect(again.state).toEqual(s);
    }
  });
});
