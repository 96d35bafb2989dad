// The model check runs in the test suite too, with the committed floor; and its parts can fail.

import { describe, expect, it } from 'vitest';
import { MODEL_CHECK_FLOOR } from './domain.js';
import { initialState } from '../machine/state.js';
import { KEYED_FIELDS, machineStateKey } from '../machine/state-key.js';
import type { ExploredGraph } from './graph.js';
import type { TransitionRow } from '../machine/row.js';
import { checkModel } from './checker.js';
import { EmitsCoverage } from './emits.js';
import { stepRow, TRANSITIONS } from '../machine/session-machine.js';
import { livenessFailures } from './liveness.js';
import { transitionViolations } from './properties.js';

describe('the exhaustive model check', () => {
  it('explores at least the committed floor of states with no failure', () => {
    const report = checkModel();
    expect(report.failures).toEqual([]);
    expect(report.declaredEmits).toBeGreaterThan(0);
    expect(report.states).toBeGreaterThanOrEqual(MODEL_CHECK_FLOOR);
  }, 240_000);
});

describe('the checker can fail', () => {
  it('keys every field of the state, so no two different states share a key', () => {
    expect(Object.keys(initialState()).sort()).toEqual([...KEYED_FIELDS].sort());
    const base = initialState();
    expect(machineStateKey(base)).not.toBe(machineStateKey({ ...base, stopDeferred: true }));
    expect(machineStateKey(base)).not.toBe(
      machineStateKey({ ...base, visibility: { ...base.visibility, nextRevision: 1 } }),
    );
  });

  it('reports a binding fact replaced in one step', () => {
    const pre = {
      ...initialState(),
      sessionId: 's1',
      binding: { runtimeId: 'rtA', fenceToken: 0, generation: 1, epochId: null },
    };
    const post = { ...pre, binding: { ...pre.binding, fenceToken: 1 } };
    expect(transitionViolations(pre, { type: 'Reset' }, post)).toEqual([
      'Reset replaced binding.fenceToken 0 -> 1',
    ]);
    const cleared = { ...pre, binding: { ...pre.binding, runtimeId: null } };
    expect(transitionViolations(pre, { type: 'Reset' }, cleared)).toEqual([
      'Reset cleared binding.runtimeId without recycle or unregister',
    ]);
  });

  it('reports a recorded outcome that changes', () => {
    const pre = {
      ...initialState(),
      completionRunId: 'r1',
      turn: { ...initialState().turn, status: 'completed' as const, outcome: 'completed' as const },
    };
    const post = {
      ...pre,
      turn: { ...pre.turn, status: 'failed' as const, outcome: 'failed' as const },
    };
    expect(
      transitionViolations(
        pre,
        { type: 'RunFailed', runId: 'r1', cause: 'llm_failure', message: '' },
        post,
      ),
    ).toHaveLength(1);
  });

  it('reports a state that cannot reach destroyed or be unregistered, with its trace', () => {
    const s0 = initialState();
    const s1 = { ...s0, phase: 'idle' as const, sessionId: 's1' };
    const graph: ExploredGraph = {
      states: [s0, s1],
      parent: [-1, 0],
      via: [null, { type: 'RegisterSession', sessionId: 's1' }],
      successors: [[1], []],
    };
    const failures = livenessFailures(graph);
    expect(failures.map((f) => f.property)).toEqual([
      'destroyed_reachable',
      'unregister_completes',
    ]);
    expect(failures[1]?.trace).toEqual([{ type: 'RegisterSession', sessionId: 's1' }]);
  });

  it('reports a declared effect that no explored step of its row emitted', () => {
    const destroyRow = TRANSITIONS.find((entry) => entry.input === 'Destroy') as TransitionRow;
    const coverage = new EmitsCoverage();
    coverage.record(destroyRow, [{ type: 'RuntimeDestroyed', sessionId: 's1' }]);
    expect(coverage.unseen([destroyRow]).map((f) => [f.property, f.detail])).toEqual([
      [
        'emits_unseen',
        `row 0 (Destroy from ${destroyRow.from.join(',')}) declares StopDrainTask, which no explored step emitted`,
      ],
    ]);
    coverage.record(destroyRow, [{ type: 'StopDrainTask' }]);
    expect(coverage.unseen([destroyRow])).toEqual([]);
  });

  it('names the row that fired, so its emits can be checked', () => {
    const { result, row } = stepRow(initialState(), { type: 'Initialize' });
    expect(result.ok).toBe(true);
    expect(row?.input).toBe('Initialize');
    expect(stepRow(initialState(), { type: 'Commit', runId: 'r1' }).row).toBeNull();
  });
});
