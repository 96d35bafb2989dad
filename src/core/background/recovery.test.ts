// Recovery of the ops state from stored records (04, Recovery item 4), and the named invariants failing.

import { describe, expect, it } from 'vitest';
import { advanceCursor } from './feed.js';
import { at, withOpAt } from './fixtures.test-support.js';
import { checkOpsInvariants, OPS_INVARIANTS } from './invariants.js';
import { OP_KINDS } from './kinds.js';
import type { StoredOperation } from './records.js';
import { toStoredCursor, toStoredOperation } from './records.js';
import type { RecoverOpsResult } from './recovery.js';
import { recoverOps } from './recovery.js';
import type { Operation, OpsState } from './state.js';
import { createOpsState, findOperation } from './state.js';

/** What the store holds for `state` when every durable step was persisted. */
function stored(state: OpsState): {
  operations: StoredOperation[];
  cursor: ReturnType<typeof toStoredCursor>;
} {
  return {
    operations: state.operations.filter((op) => OP_KINDS[op.kind].durable).map(toStoredOperation),
    cursor: toStoredCursor(state),
  };
}

/** tool1 completed (seq 1), child1 running, slot1 running, tool2 provisioning; applied at 1. */
function beforeCrash(): OpsState {
  let s = withOpAt(createOpsState('e1'), 'tool1', 'background_tool', 'completed', 1);
  s = withOpAt(s, 'child1', 'child_session', 'running', 2);
  s = withOpAt(s, 'slot1', 'capacity_slot', 'running', 3);
  s = withOpAt(s, 'tool2', 'background_tool', 'provisioning', 4);
  const moved = advanceCursor(s, 'applied', 1);
  if (!moved.ok) throw new Error('setup');
  return moved.state;
}

const recover = (state: OpsState): RecoverOpsResult =>
  recoverOps({ ...stored(state), now: at(30), freshEpochId: 'e2' });

describe('recovering the ops state', () => {
  it('starts a new epoch when nothing is stored', () => {
    const r = recoverOps({ operations: [], cursor: null, now: at(1), freshEpochId: 'e2' });
    expect(r.ok && r.state).toEqual(createOpsState('e2'));
  });

  it('keeps finished operations with their sequence numbers, the epoch and the cursors', () => {
    const r = recover(beforeCrash());
    if (!r.ok) throw new Error(r.violations.join());
    expect(r.state.epochId).toBe('e1');
    expect(r.state.cursors).toEqual({ applied: 1, observed: 0, injected: 0 });
    expect(findOperation(r.state, 'tool1')).toEqual(findOperation(beforeCrash(), 'tool1'));
    expect(checkOpsInvariants(r.state)).toEqual([]);
  });

  it('ends in-flight operations terminated{runtime_restarted} with new sequence numbers, in start order', () => {
    const r = recover(beforeCrash());
    if (!r.ok) throw new Error(r.violations.join());
    const ended = (op: Operation) => [
      op.operationId,
      op.status,
      op.reason,
      op.completionSeq,
      op.endedFrom,
    ];
    expect(r.changed.map(ended)).toEqual([
      ['child1', 'terminated', 'runtime_restarted', 2, 'running'],
      ['tool2', 'terminated', 'runtime_restarted', 3, 'provisioning'],
    ]);
    expect(r.state.feed.map((e) => e.operationId)).toEqual(['tool1', 'child1', 'tool2']);
    expect(r.state.nextCompletionSeq).toBe(4);
  });

  it('drops capacity slots: they are not durable', () => {
    const r = recover(beforeCrash());
    expect(r.ok && findOperation(r.state, 'slot1')).toBeUndefined();
  });

  it('recovers the same state twice from the same records (deterministic), and again after its own changes', () => {
    expect(recover(beforeCrash())).toEqual(recover(beforeCrash()));
    const first = recover(beforeCrash());
    if (!first.ok) throw new Error('setup');
    const second = recover(first.state);
    expect(second.ok && second.changed).toEqual([]);
    expect(second.ok && second.state).toEqual(first.state);
  });

  it('fails closed on anything inconsistent, naming it', () => {
    const base = stored(beforeCrash());
    const tool1 = base.operations[0] as StoredOperation;
    const run = (change: Partial<Parameters<typeof recoverOps>[0]>): readonly string[] => {
      const r = recoverOps({ ...base, now: at(30), freshEpochId: 'e2', ...change });
      return r.ok ? [] : r.violations;
    };
    const withOp = (op: Partial<StoredOperation>) => ({ operations: [{ ...tool1, ...op }] });
    expect(run({ cursor: null })).toEqual(['operations_without_cursor']);
    expect(run({ cursor: { ...base.cursor, epochId: '' } })).toEqual(['empty_epoch']);
    expect(run(withOp({ kind: 'cron' }))).toEqual(['unknown_kind (operation tool1)']);
    expect(run(withOp({ kind: 'capacity_slot' }))).toEqual([
      'non_durable_kind_stored (operation tool1)',
    ]);
    expect(run(withOp({ status: 'done' }))).toEqual(['unknown_status (operation tool1)']);
    expect(run(withOp({ terminal: false }))).toEqual(['terminal_flag_mismatch (operation tool1)']);
    expect(run(withOp({ record: { meta: null } }))).toEqual(['malformed_body (operation tool1)']);
    expect(run(withOp({ recordVersion: 2 as 1 }))).toEqual([
      'unknown_record_version (operation tool1)',
    ]);
    expect(run(withOp({ completionSeq: 7 }))).toContain('completion_seqs_unique_and_below_next');
    expect(run(withOp({ completionSeq: null }))).toContain('terminal_iff_seq_for_feed_kinds');
    expect(run({ operations: [tool1, tool1] })).toContain('known_values');
    expect(run({ cursor: { ...base.cursor, applied: 9 } })).toEqual(['cursors_in_range']);
  });
});

describe('every invariant can fail', () => {
  const good = recover(beforeCrash());
  if (!good.ok) throw new Error('setup');
  const s = good.state;
  const tool1 = findOperation(s, 'tool1') as Operation;
  const replace = (op: Partial<Operation>): OpsState => ({
    ...s,
    operations: s.operations.map((o) => (o.operationId === 'tool1' ? { ...o, ...op } : o)),
  });
  const broken: Record<string, OpsState> = {
    known_values: replace({ status: 'done' as 'completed' }),
    next_seq_valid: { ...s, nextCompletionSeq: 0 },
    completion_seqs_unique_and_below_next: replace({ completionSeq: 2 }),
    terminal_iff_seq_for_feed_kinds: replace({ status: 'running' }),
    non_feed_kinds_have_no_seq: replace({ kind: 'capacity_slot' }),
    feed_matches_operations: { ...s, feed: [...s.feed].reverse() },
    cursors_in_range: { ...s, cursors: { ...s.cursors, observed: -1 } },
    terminal_shape: replace({ finishedAt: null }),
    aborted_from_provisioning: replace({
      status: 'aborted',
      reason: 'r',
      result: null,
      endedFrom: 'running',
    }),
    outcome_shape: replace({ reason: 'why' }),
    closed_has_nothing_in_flight: {
      ...s,
      open: false,
      operations: [
        ...s.operations,
        {
          ...tool1,
          operationId: 'x',
          status: 'running',
          completionSeq: null,
          finishedAt: null,
          endedFrom: null,
          result: null,
        },
      ],
    },
  };

  it('has a broken example for every named invariant', () => {
    expect(Object.keys(broken).sort()).toEqual(OPS_INVARIANTS.map((i) => i.name).sort());
  });

  for (const [name, state] of Object.entries(broken)) {
    it(`reports ${name}`, () => {
      expect(checkOpsInvariants(state)).toContain(name);
    });
  }
});
