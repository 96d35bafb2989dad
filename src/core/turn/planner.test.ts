// The turn planner: each verdict's inputs, receipt, approvals and events (the property over random
// turns is core/turn/planner.property.test.ts).

import { describe, expect, it } from 'vitest';
import { at } from '../ledger/fixtures.test-support.js';
import { approval, turnWith } from './fixtures.test-support.js';
import type { EndingTurn } from './planner.js';
import { planTurnEnd } from './planner.js';
import type { TurnVerdict } from './verdict.js';

function planned(turn: EndingTurn, verdict: TurnVerdict) {
  const plan = planTurnEnd(turn, verdict);
  if (!plan.ok) throw new Error(JSON.stringify(plan.rejection));
  return plan;
}

describe('the turn planner', () => {
  it('consumes a completed run’s inputs with its output, and receipts the result', () => {
    const plan = planned(turnWith(2), {
      type: 'completed',
      output: 'done',
      append: ['m1'],
      facts: { usage: { totalTokens: 3 } },
    });
    expect(plan.inputs.records.map((r) => [r.header.inputId, r.state.status, r.outcome])).toEqual([
      ['in0', 'consumed', { status: 'completed', runId: 'r1', result: 'done' }],
      ['in1', 'consumed', { status: 'completed', runId: 'r1', result: 'done' }],
    ]);
    expect(plan.receipt).toEqual({
      runId: 'r1',
      seq: 5,
      outcome: 'completed',
      resultClass: 'completed',
      inputIds: ['in0', 'in1'],
      attempt: 1,
      at: at(2),
      result: 'done',
    });
    expect(plan.events).toEqual([
      {
        type: 'run.completed',
        data: { runId: 'r1', resultClass: 'completed', usage: { totalTokens: 3 } },
      },
    ]);
    expect([plan.machine.state.phase, plan.machine.state.run]).toEqual(['attached', null]);
    expect([plan.transcript, plan.approvals, plan.requeuedAttempts]).toEqual([['m1'], null, null]);
  });

  it('settles a run without output as completed_without_result', () => {
    const plan = planned(turnWith(1), {
      type: 'completed',
      output: undefined,
      append: [],
      facts: {},
    });
    expect(plan.receipt.resultClass).toBe('completed_without_result');
    expect(plan.receipt.result).toBeNull();
  });

  it('adds the requested approvals to the pending ones, with an event each', () => {
    const turn = { ...turnWith(1), approvals: [approval('a0')] };
    const plan = planned(turn, {
      type: 'awaiting_approval',
      requested: [approval('a1')],
      append: [],
      facts: {},
    });
    expect(plan.approvals?.map((a) => a.approvalId)).toEqual(['a0', 'a1']);
    expect(plan.events.map((e) => e.type)).toEqual(['run.completed', 'approval.requested']);
    expect(plan.receipt.result).toMatchObject({
      status: 'awaiting_approval',
      approvals: [{ approvalId: 'a1', callHash: 'sha256:a1' }],
    });
  });

  it('puts a retryable failure back in the lane until the attempts run out', () => {
    const failed = { type: 'failed', cause: 'llm_failure', retryable: true, message: 'x' } as const;
    const early = planned(turnWith(1), failed);
    expect(early.inputs.records[0]?.state.status).toBe('queued');
    expect(early.requeuedAttempts).toBe(1);
    expect([early.receipt.outcome, early.receipt.result]).toEqual(['failed', { error: 'x' }]);
    const last = planned(turnWith(1, { attempts: 3 }), failed);
    expect(last.inputs.records[0]?.outcome).toMatchObject({
      status: 'abandoned',
      reason: 'max_attempts_exhausted',
    });
    expect(last.requeuedAttempts).toBeNull();
    const fatal = planned(turnWith(1), { ...failed, retryable: false });
    expect(fatal.inputs.records[0]?.outcome).toMatchObject({ status: 'failed', runId: 'r1' });
  });

  it('tells an executor’s own stop from one at the boundary it was asked to stop at', () => {
    const own = planned(turnWith(1), { type: 'cancelled', reason: null, append: [], facts: {} });
    expect(own.events).toEqual([
      { type: 'run.cancelled', data: { runId: 'r1', reason: 'cancelled by the executor' } },
    ]);
    const asked = planned(turnWith(1, { boundaryCancel: true }), {
      type: 'cancelled',
      reason: null,
      append: [],
      facts: {},
    });
    expect(asked.inputs.records[0]?.outcome).toEqual({
      status: 'cancelled',
      runId: 'r1',
      reason: 'cancelled after boundary',
    });
  });

  it('returns the machine’s refusal, and no receipt, for a run that is not bound', () => {
    const turn = { ...turnWith(1), runId: 'r9' };
    const plan = planTurnEnd(turn, { type: 'completed', output: 1, append: [], facts: {} });
    expect(plan.ok ? null : plan.rejection.guard).toBe('run_matches');
  });
});
