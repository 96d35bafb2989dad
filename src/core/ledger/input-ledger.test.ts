// The ledger and the admission policy together: every row of the policy table, batches, retries, recovery.

import { describe, expect, it } from 'vitest';
import type { InputSubmission } from '../input-kinds.js';
import type { InputRecord } from './input-record.js';
import type { Ledger } from './input-ledger.js';
import { applyLedgerPatch, createLedger, findInput, restoreLedger } from './input-ledger.js';
import type { AdmitContext, AdmitRequest } from './admit.js';
import { planAdmit } from './admit.js';
import { NOTHING_KNOWN } from './identity.js';
import { planExpire, planInjectSteer, planStageBatch } from './batch.js';
import { admitRequest, at } from './fixtures.test-support.js';
import { checkLedgerInvariants } from './invariants.js';
import { planAbandonPending, planPrune, planRunEnd } from './run-end.js';

const IDLE: AdmitContext = { running: false, maxQueuedInputs: 1000, stored: NOTHING_KNOWN };
const RUNNING: AdmitContext = { running: true, maxQueuedInputs: 1000, stored: NOTHING_KNOWN };

function admit(ledger: Ledger, id: string, submission: InputSubmission, context = IDLE) {
  const plan = planAdmit(ledger, admitRequest(id, submission), context);
  if (plan.status === 'accepted') applyLedgerPatch(ledger, plan.patch);
  return plan;
}

function stage(ledger: Ledger, runId: string): string[] {
  const plan = planStageBatch(ledger, runId, at(1));
  if (plan === null) return [];
  applyLedgerPatch(ledger, plan.patch);
  return plan.records.map((r) => r.header.inputId);
}

function state(ledger: Ledger, id: string): InputRecord['state'] | undefined {
  return findInput(ledger, id)?.state;
}

function prompt(content: string, extra: Partial<InputSubmission> = {}): InputSubmission {
  return { kind: 'prompt', content, ...extra } as InputSubmission;
}

describe('the whenBusy policy table', () => {
  it('queue: FIFO, one prompt per turn', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    admit(l, 'b', prompt('b'));
    expect(stage(l, 'r1')).toEqual(['a']);
    expect(checkLedgerInvariants(l, 'r1')).toEqual([]);
  });

  it('merge: all queued merge prompts run together', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a', { whenBusy: 'merge' }));
    admit(l, 'q', prompt('q'));
    admit(l, 'b', prompt('b', { whenBusy: 'merge' }));
    expect(stage(l, 'r1')).toEqual(['a', 'b']);
    expect(stage(l, 'r2')).toEqual(['q']);
  });

  it('latest: replaces older queued inputs with the same supersede key, or older queued prompts without one', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a', { supersedeKey: 'k' }));
    admit(l, 'b', prompt('b'));
    const plan = admit(l, 'c', prompt('c', { whenBusy: 'latest', supersedeKey: 'k' }), RUNNING);
    expect(plan.status === 'accepted' && plan.replaced.map((r) => r.header.inputId)).toEqual(['a']);
    expect(state(l, 'a')).toEqual({ status: 'superseded', by: 'c' });
    expect(findInput(l, 'a')?.outcome).toEqual({ status: 'superseded', by: 'c' });
    admit(l, 'd', prompt('d', { whenBusy: 'latest' }), RUNNING);
    expect(state(l, 'b')).toEqual({ status: 'superseded', by: 'd' });
    expect(state(l, 'c')).toEqual({ status: 'queued' });
  });

  it('latest never touches a staged input', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    stage(l, 'r1');
    admit(l, 'b', prompt('b', { whenBusy: 'latest' }), RUNNING);
    expect(state(l, 'a')).toEqual({ status: 'staged', runId: 'r1' });
  });

  it('steer: injected at the next boundary of the running turn', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    stage(l, 'r1');
    admit(l, 's', prompt('steer me', { whenBusy: 'steer' }), RUNNING);
    const inject = planInjectSteer(l, 'r1', at(2));
    expect(inject?.records.map((r) => r.header.inputId)).toEqual(['s']);
    applyLedgerPatch(l, inject?.patch ?? { ops: [] });
    expect(state(l, 's')).toEqual({ status: 'applied', runId: 'r1' });
    expect(checkLedgerInvariants(l, 'r1')).toEqual([]);
  });

  it('interrupt: goes to the very front of the queue', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    admit(l, 'i', prompt('now', { whenBusy: 'interrupt' }), RUNNING);
    expect(stage(l, 'r1')).toEqual(['i']);
  });

  it('reject: refused with session_busy while a run is in flight or work is queued, accepted when idle', () => {
    const l = createLedger('s1');
    expect(admit(l, 'x', prompt('x', { whenBusy: 'reject' }), RUNNING)).toMatchObject({
      status: 'refused',
      code: 'session_busy',
    });
    expect(admit(l, 'a', prompt('a', { whenBusy: 'reject' })).status).toBe('accepted');
    expect(admit(l, 'b', prompt('b', { whenBusy: 'reject' }))).toMatchObject({
      status: 'refused',
      code: 'session_busy',
    });
    expect(findInput(l, 'x')).toBeUndefined();
  });
});

describe('per-kind defaults', () => {
  it('batches adjacent events and peer messages, stopping before the next prompt', () => {
    const l = createLedger('s1');
    admit(l, 'e1', { kind: 'external_event', source: 'hook', eventType: 'push', payload: {} });
    admit(l, 'm1', { kind: 'peer_message', from: 's9', content: 'hi' });
    admit(l, 'p', prompt('p'));
    admit(l, 'e2', { kind: 'external_event', source: 'hook', eventType: 'push', payload: {} });
    expect(stage(l, 'r1')).toEqual(['e1', 'm1']);
    expect(stage(l, 'r2')).toEqual(['p']);
  });

  it('coalesces an older progress response for the same request into the newer one', () => {
    const l = createLedger('s1');
    const progress = (id: string) =>
      ({
        kind: 'peer_response',
        from: 's9',
        requestId: 'q1',
        status: 'progress',
        content: id,
      }) as const;
    admit(l, 'p1', progress('p1'));
    admit(l, 'p2', progress('p2'));
    expect(state(l, 'p1')).toEqual({ status: 'coalesced', into: 'p2' });
    expect(findInput(l, 'p2')?.decision).toMatchObject({
      lane: 'steer',
      wake: 'none',
      queueMode: 'coalesce',
    });
  });

  it('gives terminal peer responses a wake and continuations priority in the steer lane', () => {
    const l = createLedger('s1');
    admit(l, 'r', {
      kind: 'peer_response',
      from: 's9',
      requestId: 'q1',
      status: 'completed',
      content: 'done',
    });
    admit(l, 'c', { kind: 'continuation', reason: 'job finished' });
    expect(findInput(l, 'r')?.decision).toMatchObject({ lane: 'queue', wake: 'wake_if_idle' });
    expect(findInput(l, 'c')?.decision).toMatchObject({
      lane: 'steer',
      queueMode: 'priority',
      wake: 'interrupt_yielding',
      executionKind: 'resume_pending',
    });
    expect(stage(l, 'r1')).toEqual(['c']);
  });

  it('never wakes for a silent-intent request; it rides along with the next turn', () => {
    const l = createLedger('s1');
    admit(l, 'q', {
      kind: 'peer_request',
      from: 's9',
      requestId: 'q1',
      intent: 'quiet',
      content: 'fyi',
    });
    admit(l, 'loud', {
      kind: 'peer_request',
      from: 's9',
      requestId: 'q2',
      intent: 'ask',
      content: 'help',
    });
    expect(findInput(l, 'q')?.decision.wake).toBe('none');
    expect(findInput(l, 'loud')?.decision.wake).toBe('wake_if_idle');
  });

  it('consumes an operation input on accept, with no lane and no wake', () => {
    const l = createLedger('s1');
    admit(l, 'op', { kind: 'operation', operationId: 'o1', notice: { status: 'running' } });
    expect(state(l, 'op')).toEqual({ status: 'consumed', runId: null });
    expect(l.lanes.queue).toEqual([]);
    expect(checkLedgerInvariants(l, null)).toEqual([]);
  });
});

describe('validation rules', () => {
  it('deduplicates the same key with the same payload and refuses a different payload', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('hello', { idempotencyKey: 'k1' }));
    expect(admit(l, 'b', prompt('hello', { idempotencyKey: 'k1' }))).toMatchObject({
      status: 'deduplicated',
    });
    expect(admit(l, 'c', prompt('other', { idempotencyKey: 'k1' }))).toMatchObject({
      status: 'refused',
      code: 'idempotency_conflict',
      existingInputId: 'a',
    });
  });

  it('refuses past maxQueuedInputs with queue_full', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'), { ...IDLE, maxQueuedInputs: 1 });
    expect(admit(l, 'b', prompt('b'), { ...IDLE, maxQueuedInputs: 1 })).toMatchObject({
      code: 'queue_full',
    });
  });

  it('applies the kind rules: operations only from system, no ephemeral request or final response', () => {
    // The submission schema refuses these already; the ledger checks again for callers that bypass it.
    const l = createLedger('s1');
    const refusedWith = (
      submission: InputSubmission,
      header: Partial<AdmitRequest['header']>,
    ): ReturnType<typeof planAdmit> => {
      const request = admitRequest('x', submission);
      return planAdmit(l, { ...request, header: { ...request.header, ...header } }, IDLE);
    };
    expect(
      refusedWith({ kind: 'operation', operationId: 'o1', notice: null }, { origin: 'operator' }),
    ).toMatchObject({ code: 'validation_failed' });
    expect(
      refusedWith(
        { kind: 'peer_request', from: 'x', requestId: 'r', intent: 'i', content: 'c' },
        { durability: 'ephemeral' },
      ),
    ).toMatchObject({ code: 'validation_failed' });
    expect(
      refusedWith(
        { kind: 'peer_response', from: 'x', requestId: 'r', status: 'completed', content: 'c' },
        { durability: 'ephemeral' },
      ),
    ).toMatchObject({ code: 'validation_failed' });
    expect(
      admit(l, 'p', {
        kind: 'peer_response',
        from: 'x',
        requestId: 'r',
        status: 'progress',
        content: 'c',
        durability: 'ephemeral',
      }).status,
    ).toBe('accepted');
  });
});

describe('the end of a run', () => {
  it('retries a failed batch behind the backlog and abandons it only when attempts are exhausted', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    admit(l, 'b', prompt('b'));
    const error = { code: 'llm_failure', message: 'rate limited' };
    for (const [attempt, runId] of ['r1', 'r2'].entries()) {
      expect(stage(l, runId)[0]).toBe(attempt === 0 ? 'a' : 'b');
      applyLedgerPatch(
        l,
        planRunEnd(l, runId, { type: 'failed', retryable: true, maxAttempts: 2, error }, at(2))
          .patch,
      );
    }
    expect(state(l, 'a')).toEqual({ status: 'queued' });
    expect(findInput(l, 'a')?.outcome).toBeNull();
    expect(stage(l, 'r3')).toEqual(['a']);
    applyLedgerPatch(
      l,
      planRunEnd(l, 'r3', { type: 'failed', retryable: true, maxAttempts: 2, error }, at(3)).patch,
    );
    expect(findInput(l, 'a')?.outcome).toEqual({
      status: 'abandoned',
      reason: 'max_attempts_exhausted',
      error,
    });
    expect(checkLedgerInvariants(l, null)).toEqual([]);
  });

  it('abandons at once on a non-retryable error and reports the failure', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    stage(l, 'r1');
    const error = { code: 'llm_failure', message: 'bad key', retryable: false };
    applyLedgerPatch(
      l,
      planRunEnd(l, 'r1', { type: 'failed', retryable: false, maxAttempts: 3, error }, at(2)).patch,
    );
    expect(findInput(l, 'a')?.outcome).toEqual({ status: 'failed', runId: 'r1', error });
  });

  it('rolls a batch back to the front of its lane in order, with no attempt spent', () => {
    const l = createLedger('s1');
    admit(l, 'e1', { kind: 'external_event', source: 's', eventType: 't', payload: 1 });
    admit(l, 'e2', { kind: 'external_event', source: 's', eventType: 't', payload: 2 });
    stage(l, 'r1');
    admit(l, 'e3', { kind: 'external_event', source: 's', eventType: 't', payload: 3 }, RUNNING);
    expect(findInput(l, 'e1')?.attempts).toBe(1);
    applyLedgerPatch(l, planRunEnd(l, 'r1', { type: 'rollback' }, at(2)).patch);
    expect(l.lanes.queue).toEqual(['e1', 'e2', 'e3']);
    expect(findInput(l, 'e1')?.attempts).toBe(0);
  });

  it('ends a cancelled run with its inputs abandoned and told cancelled', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    stage(l, 'r1');
    applyLedgerPatch(
      l,
      planRunEnd(l, 'r1', { type: 'cancelled', reason: 'interrupted' }, at(2)).patch,
    );
    expect(state(l, 'a')).toEqual({ status: 'abandoned', reason: 'cancelled' });
    expect(findInput(l, 'a')?.outcome).toEqual({
      status: 'cancelled',
      runId: 'r1',
      reason: 'interrupted',
    });
  });
});

describe('control operations, expiry, retention, recovery', () => {
  it('abandons pending inputs with the reason, as runtime_terminated for stop, destroy and unregister', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a'));
    admit(l, 'b', prompt('b'));
    stage(l, 'r1');
    applyLedgerPatch(l, planAbandonPending(l, 'retired', 'queued', 'closing shop', at(2)).patch);
    expect(findInput(l, 'b')?.outcome).toEqual({
      status: 'abandoned',
      reason: 'retired',
      message: 'closing shop',
    });
    expect(state(l, 'a')).toEqual({ status: 'staged', runId: 'r1' });
    applyLedgerPatch(
      l,
      planAbandonPending(l, 'destroyed', 'all', 'session destroyed', at(3)).patch,
    );
    expect(findInput(l, 'a')?.outcome).toEqual({
      status: 'runtime_terminated',
      reason: 'session destroyed',
    });
  });

  it('expires queued inputs whose time to live has passed', () => {
    const l = createLedger('s1');
    const plan = planAdmit(l, admitRequest('a', prompt('a'), { expiresAt: at(5) }), IDLE);
    if (plan.status === 'accepted') applyLedgerPatch(l, plan.patch);
    expect(planExpire(l, at(4))).toBeNull();
    applyLedgerPatch(l, planExpire(l, at(6))?.patch ?? { ops: [] });
    expect(state(l, 'a')).toEqual({ status: 'abandoned', reason: 'expired' });
  });

  it('prunes terminal inputs older than the window and beyond the newest kept, with their keys', () => {
    const l = createLedger('s1');
    for (const id of ['a', 'b', 'c']) {
      admit(l, id, prompt(id, { idempotencyKey: `k-${id}` }));
      stage(l, `r-${id}`);
      applyLedgerPatch(
        l,
        planRunEnd(
          l,
          `r-${id}`,
          { type: 'consumed', outcome: { status: 'completed_without_result', runId: `r-${id}` } },
          at(1),
        ).patch,
      );
    }
    applyLedgerPatch(l, planPrune(l, at(10), 1));
    expect([...l.terminal.keys()]).toEqual(['c']);
    expect([...l.idempotency.keys()]).toEqual(['k-c']);
    expect(checkLedgerInvariants(l, null)).toEqual([]);
  });

  it('restores staged and applied inputs as queued, in admission order, with the index rebuilt', () => {
    const l = createLedger('s1');
    admit(l, 'a', prompt('a', { idempotencyKey: 'k' }));
    admit(l, 'b', prompt('b'));
    stage(l, 'r1');
    expect(findInput(l, 'a')?.attempts).toBe(1);
    const restored = restoreLedger('s1', [...l.live.values()].reverse(), at(9));
    expect(restored.lanes.queue).toEqual(['a', 'b']);
    // The run the crash interrupted does not count: the input is back where it was before it.
    expect(findInput(restored, 'a')?.attempts).toBe(0);
    expect(restored.idempotency.get('k')).toBe('a');
    expect(restored.nextSeq).toBe(3);
    expect(checkLedgerInvariants(restored, null)).toEqual([]);
  });
});
