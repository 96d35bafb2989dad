// Every status x step pair, for every kind, has an asserted outcome: the matrix is written from 04, not
// from the table.

import { describe, expect, it } from 'vitest';
import { stepOp } from './lifecycle.js';
import { deepFreeze, reach, stepInput } from './fixtures.test-support.js';
import type { OpStatus } from './kinds.js';
import { isTerminalOpStatus, OP_KIND_NAMES, OP_KINDS, OP_STATUSES } from './kinds.js';
import { OP_ROWS, OP_STEP_TYPES } from './rows.js';
import type { OpStepType } from './rows.js';
import { findOperation } from './state.js';

// A status name: accepted, landing there. `x:guard`: refused by that guard.
const MATRIX: Record<OpStatus, Record<OpStepType, string>> = {
  provisioning: {
    Provisioned: 'running',
    BeginRetiring: 'x:from_status',
    Complete: 'x:from_status',
    Fail: 'failed',
    Abort: 'aborted',
    Cancel: 'cancelled',
    FinishRetiring: 'x:from_status',
    Terminate: 'terminated',
  },
  running: {
    Provisioned: 'x:from_status',
    BeginRetiring: 'retiring',
    Complete: 'completed',
    Fail: 'failed',
    Abort: 'x:from_status',
    Cancel: 'cancelled',
    FinishRetiring: 'x:from_status',
    Terminate: 'terminated',
  },
  retiring: {
    Provisioned: 'x:from_status',
    BeginRetiring: 'x:from_status',
    Complete: 'completed',
    Fail: 'failed',
    Abort: 'x:from_status',
    Cancel: 'cancelled',
    FinishRetiring: 'retired',
    Terminate: 'terminated',
  },
  completed: allRefused('x:not_terminal'),
  failed: allRefused('x:not_terminal'),
  aborted: allRefused('x:not_terminal'),
  cancelled: allRefused('x:not_terminal'),
  retired: allRefused('x:not_terminal'),
  terminated: allRefused('x:not_terminal'),
};

function allRefused(outcome: string): Record<OpStepType, string> {
  return Object.fromEntries(OP_STEP_TYPES.map((t) => [t, outcome])) as Record<OpStepType, string>;
}

describe('the operation state machine, status x step, for every kind', () => {
  for (const kind of OP_KIND_NAMES) {
    for (const status of OP_STATUSES) {
      for (const type of OP_STEP_TYPES) {
        const expected = MATRIX[status][type];
        it(`${kind} ${status} + ${type} -> ${expected}`, () => {
          const state = deepFreeze(reach(kind, status));
          const result = stepOp(state, 'op1', stepInput(type), 'later');
          if (expected.startsWith('x:')) {
            expect(result.ok).toBe(false);
            if (!result.ok)
              expect(result.refusal).toEqual({
                code: 'ops_refused',
                action: type,
                guard: expected.slice(2),
                operationId: 'op1',
                status,
              });
            return;
          }
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const op = findOperation(result.state, 'op1');
          expect(op?.status).toBe(expected);
          const terminal = isTerminalOpStatus(expected as OpStatus);
          const takesSeq = terminal && OP_KINDS[kind].inFeed;
          expect(op?.completionSeq).toBe(takesSeq ? state.nextCompletionSeq : null);
          expect(result.state.nextCompletionSeq).toBe(state.nextCompletionSeq + (takesSeq ? 1 : 0));
          expect(result.state.feed.length).toBe(state.feed.length + (takesSeq ? 1 : 0));
          expect(op?.finishedAt).toBe(terminal ? 'later' : null);
          expect(op?.endedFrom).toBe(terminal ? status : null);
          expect(result.changed).toEqual([op]);
        });
      }
    }
  }
});

describe('the row table', () => {
  it('has exactly one row per step type, and the matrix agrees with it', () => {
    expect(OP_ROWS.map((r) => r.input)).toEqual([...OP_STEP_TYPES]);
    for (const row of OP_ROWS)
      for (const status of OP_STATUSES) {
        const accepted = !MATRIX[status][row.input].startsWith('x:');
        expect((row.from as readonly string[]).includes(status)).toBe(accepted);
        if (accepted) expect(MATRIX[status][row.input]).toBe(row.to);
      }
  });

  it('refuses a step of an unknown operation, naming known_operation', () => {
    const result = stepOp(
      reach('background_tool', 'running'),
      'nope',
      { type: 'Provisioned' },
      't',
    );
    expect(result.ok ? null : result.refusal.guard).toBe('known_operation');
  });

  it('refuses a step that must say why with an empty reason, naming reason_given', () => {
    for (const type of ['Fail', 'Abort', 'Cancel', 'Terminate'] as const) {
      const result = stepOp(
        reach('child_session', 'provisioning'),
        'op1',
        { type, reason: '' },
        't',
      );
      expect(result.ok ? null : result.refusal.guard).toBe('reason_given');
    }
  });

  it('holds the kinds table to its shape: in the feed implies durable, waking implies in the feed', () => {
    for (const kind of OP_KIND_NAMES) {
      const spec = OP_KINDS[kind];
      expect(!spec.inFeed || spec.durable).toBe(true);
      expect(!spec.wakesIdle || spec.inFeed).toBe(true);
    }
    expect(OP_KINDS.background_tool).toMatchObject({
      durable: true,
      inFeed: true,
      wakesIdle: true,
    });
    expect(OP_KINDS.child_session).toMatchObject({ durable: true, inFeed: true, wakesIdle: false });
    expect(OP_KINDS.capacity_slot).toMatchObject({
      durable: false,
      inFeed: false,
      wakesIdle: false,
    });
  });
});
