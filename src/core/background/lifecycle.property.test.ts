// Random operation sequences against the ops lifecycle (crashes and unregisters included): invariants
// after every step, inputs never mutated, refusals name a guard, the feed only grows, cursors only
// move forward, a finished operation never changes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startOp, stepOp } from './lifecycle.js';
import { advanceCursor, evaluateWaitAll, feedSince } from './feed.js';
import { at, deepFreeze } from './fixtures.test-support.js';
import type { OpsRefusal } from './guards.js';
import { OPS_GUARD_NAMES } from './guards.js';
import { checkOpsInvariants } from './invariants.js';
import { isTerminalOpStatus, OP_KIND_NAMES, OP_KINDS } from './kinds.js';
import { toStoredCursor, toStoredOperation } from './records.js';
import { recoverOps, resolveOpsDurability } from './recovery.js';
import { OP_STEP_TYPES } from './rows.js';
import type { OpStepInput } from './rows.js';
import type { OpsState } from './state.js';
import { createOpsState, OPS_CURSORS } from './state.js';

const IDS = ['a', 'b', 'c', 'd'] as const;

const command = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('start' as const),
      id: fc.constantFrom(...IDS),
      kind: fc.constantFrom(...OP_KIND_NAMES),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      c: fc.constant('step' as const),
      id: fc.constantFrom(...IDS),
      type: fc.constantFrom(...OP_STEP_TYPES),
      blank: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('advance' as const),
      cursor: fc.constantFrom(...OPS_CURSORS),
      delta: fc.integer({ min: -1, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      c: fc.constant('feed' as const),
      since: fc.integer({ min: -1, max: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ c: fc.constant('waitAll' as const), ids: fc.subarray([...IDS]) }),
  },
  { weight: 1, arbitrary: fc.constant({ c: 'crash' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ c: fc.constant('unregister' as const), retain: fc.boolean() }),
  },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

function input(type: OpStepInput['type'], blank: boolean): OpStepInput {
  const reason = blank ? '' : 'why';
  switch (type) {
    case 'Complete':
      return { type, result: 7 };
    case 'Fail':
    case 'Abort':
    case 'Cancel':
    case 'Terminate':
      return { type, reason };
    case 'Provisioned':
    case 'BeginRetiring':
    case 'FinishRetiring':
      return { type };
  }
}

/** Runs one command; returns the next state, or a refusal (state unchanged). */
function run(state: OpsState, cmd: Command, clock: number): OpsState | OpsRefusal {
  const now = at(clock % 60);
  switch (cmd.c) {
    case 'start': {
      const r = startOp(state, { operationId: cmd.id, kind: cmd.kind, meta: null, now });
      return r.ok ? r.state : r.refusal;
    }
    case 'step': {
      const r = stepOp(state, cmd.id, input(cmd.type, cmd.blank), now);
      return r.ok ? r.state : r.refusal;
    }
    case 'advance': {
      const r = advanceCursor(state, cmd.cursor, state.cursors[cmd.cursor] + cmd.delta);
      return r.ok ? r.state : r.refusal;
    }
    case 'feed': {
      const r = feedSince(state, cmd.since);
      return r.ok ? state : r.refusal;
    }
    case 'waitAll': {
      const r = evaluateWaitAll(state, cmd.ids);
      return r.ok ? state : r.refusal;
    }
    case 'crash': {
      if (!state.open) return state;
      const operations = state.operations
        .filter((op) => OP_KINDS[op.kind].durable)
        .map(toStoredOperation);
      const r = recoverOps({
        operations,
        cursor: toStoredCursor(state),
        now,
        freshEpochId: 'fresh',
      });
      if (!r.ok)
        throw new Error(`recovery of a reachable state failed: ${r.violations.join(', ')}`);
      return r.state;
    }
    case 'unregister':
      return resolveOpsDurability(state, cmd.retain ? 'retain_snapshot' : 'delete_snapshot', now)
        .state;
  }
}

function isRefusal(value: OpsState | OpsRefusal): value is OpsRefusal {
  return 'code' in value;
}

describe('the ops lifecycle under random operation sequences', () => {
  it('keeps every invariant after every step, with append-only feed and forward-only cursors', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), (commands) => {
        let state = createOpsState('e1');
        for (const [i, cmd] of commands.entries()) {
          const before = JSON.stringify(state);
          const result = run(deepFreeze(state), cmd, i);
          expect(JSON.stringify(state)).toBe(before);
          if (isRefusal(result)) {
            expect(OPS_GUARD_NAMES).toContain(result.guard);
            continue;
          }
          expect(checkOpsInvariants(result)).toEqual([]);
          expect(result.epochId).toBe('e1');
          expect(result.nextCompletionSeq).toBeGreaterThanOrEqual(state.nextCompletionSeq);
          expect(result.feed.slice(0, state.feed.length)).toEqual(state.feed);
          for (const c of OPS_CURSORS)
            expect(result.cursors[c]).toBeGreaterThanOrEqual(state.cursors[c]);
          for (const op of state.operations) {
            if (!isTerminalOpStatus(op.status)) continue;
            const after = result.operations.find((o) => o.operationId === op.operationId);
            if (OP_KINDS[op.kind].durable || cmd.c !== 'crash') expect(after).toEqual(op);
          }
          if (cmd.c === 'crash')
            expect(result.operations.every((op) => isTerminalOpStatus(op.status))).toBe(true);
          state = result;
        }
      }),
      { numRuns: 500 },
    );
  });
});
