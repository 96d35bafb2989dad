// A small exhaustive exploration of the ops lifecycle: two operations, every pair of kinds, every
// step, cursor move, crash-and-recover and unregister from every reachable state. Checks invariants,
// determinism, no mutation, that refusals name a guard and that recovery never refuses a reachable state.

import { describe, expect, it } from 'vitest';
import { startOp, stepOp } from './lifecycle.js';
import { advanceCursor } from './feed.js';
import { deepFreeze, stepInput } from './fixtures.test-support.js';
import { OPS_GUARD_NAMES } from './guards.js';
import type { OpsGuardName } from './guards.js';
import { checkOpsInvariants } from './invariants.js';
import type { OpKind } from './kinds.js';
import { isTerminalOpStatus, OP_KIND_NAMES, OP_KINDS } from './kinds.js';
import { toStoredCursor, toStoredOperation } from './records.js';
import { recoverOps, resolveOpsDurability } from './recovery.js';
import { OP_STEP_TYPES } from './rows.js';
import type { OpsState } from './state.js';
import { createOpsState, findOperation, OPS_CURSORS } from './state.js';

const NOW = '2026-01-01T00:00:00.000Z';
const MAX_STATES = 20_000;

type Outcome =
  { ok: true; state: OpsState; label: string } | { ok: false; guard: OpsGuardName; label: string };

/** Every move from `state` with operations `a` of kind `ka` and `b` of kind `kb`. */
function moves(state: OpsState, kinds: Record<'a' | 'b', OpKind>): (() => Outcome)[] {
  const out: (() => Outcome)[] = [];
  const wrap = (
    label: string,
    r: { ok: true; state: OpsState } | { ok: false; refusal: { guard: OpsGuardName } },
  ): Outcome =>
    r.ok ? { ok: true, state: r.state, label } : { ok: false, guard: r.refusal.guard, label };
  for (const id of ['a', 'b'] as const) {
    out.push(() =>
      wrap(
        `start ${id}`,
        startOp(state, { operationId: id, kind: kinds[id], meta: null, now: NOW }),
      ),
    );
    for (const type of OP_STEP_TYPES)
      out.push(() => wrap(`${type} ${id}`, stepOp(state, id, stepInput(type), NOW)));
  }
  // The three cursors share one code path: `applied` explores every position (and one step back); the
  // others try only past the feed's end, which keeps the state space small.
  for (let seq = state.cursors.applied - 1; seq <= state.nextCompletionSeq; seq += 1)
    out.push(() => wrap(`advance applied ${seq}`, advanceCursor(state, 'applied', seq)));
  for (const cursor of OPS_CURSORS.filter((c) => c !== 'applied'))
    out.push(() =>
      wrap(`advance ${cursor}`, advanceCursor(state, cursor, state.nextCompletionSeq)),
    );
  if (state.open) {
    out.push(() => {
      const operations = state.operations
        .filter((op) => OP_KINDS[op.kind].durable)
        .map(toStoredOperation);
      const r = recoverOps({
        operations,
        cursor: toStoredCursor(state),
        now: NOW,
        freshEpochId: 'fresh',
      });
      if (!r.ok) throw new Error(`recovery refused a reachable state: ${r.violations.join(', ')}`);
      if (r.state.operations.some((op) => !isTerminalOpStatus(op.status)))
        throw new Error('recovery left an operation in flight');
      if (JSON.stringify(r.state.feed.slice(0, state.feed.length)) !== JSON.stringify(state.feed))
        throw new Error('recovery changed the feed');
      return { ok: true, state: r.state, label: 'crash' };
    });
  }
  for (const action of ['retain_snapshot', 'delete_snapshot'] as const)
    out.push(() => ({
      ok: true,
      state: resolveOpsDurability(state, action, NOW).state,
      label: action,
    }));
  return out;
}

function explore(kinds: Record<'a' | 'b', OpKind>) {
  const seen = new Map<string, OpsState>([
    [JSON.stringify(createOpsState('e1')), deepFreeze(createOpsState('e1'))],
  ]);
  const queue = [...seen.values()];
  const failures: string[] = [];
  const guards = new Set<string>();
  const fired = new Set<string>();
  let transitions = 0;
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    // Bounded: a broken build stops early instead of exploring (and reporting) without end.
    if (failures.length >= 10) break;
    if (seen.size > MAX_STATES) {
      failures.push(`more than ${MAX_STATES} states: the bounded domain is not bounded`);
      break;
    }
    for (const move of moves(state, kinds)) {
      let first: Outcome;
      try {
        first = move();
        if (JSON.stringify(move()) !== JSON.stringify(first))
          failures.push(`nondeterministic ${first.label}`);
      } catch (error: unknown) {
        failures.push(`threw: ${String(error)}`);
        continue;
      }
      if (!first.ok) {
        guards.add(first.guard);
        if (!(OPS_GUARD_NAMES as readonly string[]).includes(first.guard))
          failures.push(`${first.label}: refusal names no guard (${first.guard})`);
        continue;
      }
      transitions += 1;
      const [verb, id] = first.label.split(' ');
      const op = id === 'a' || id === 'b' ? findOperation(state, id) : undefined;
      fired.add(`${op?.status ?? ''} ${verb ?? ''}`);
      const key = JSON.stringify(first.state);
      if (seen.has(key)) continue;
      const broken = checkOpsInvariants(first.state);
      if (broken.length > 0) failures.push(`${first.label} broke ${broken.join(', ')}`);
      seen.set(key, deepFreeze(first.state));
      queue.push(first.state);
    }
  }
  return { states: seen.size, transitions, failures, guards, fired };
}

describe('exhaustive exploration with two operations', () => {
  for (const ka of OP_KIND_NAMES) {
    for (const kb of OP_KIND_NAMES) {
      it(`holds every property for a ${ka} and a ${kb}`, () => {
        const report = explore({ a: ka, b: kb });
        expect(report.failures.slice(0, 5)).toEqual([]);
        expect(report.states).toBeGreaterThan(1_000);
        // Every row fired from every status it starts from, and the refusals the table can give occurred.
        for (const status of ['provisioning', 'running', 'retiring'])
          expect([...report.fired].some((f) => f.startsWith(`${status} `))).toBe(true);
        expect(report.fired).toContain('provisioning Abort');
        expect(report.fired).toContain('retiring FinishRetiring');
        const feedKind = OP_KINDS[ka].inFeed || OP_KINDS[kb].inFeed;
        const expected: OpsGuardName[] = [
          'fresh_operation_id',
          'known_operation',
          'not_terminal',
          'from_status',
          'cursor_within_feed',
          'registry_open',
          ...(feedKind ? (['cursor_forward'] as const) : []),
        ];
        for (const guard of expected) expect(report.guards).toContain(guard);
      });
    }
  }
});
