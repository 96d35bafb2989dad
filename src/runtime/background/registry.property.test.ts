// BackgroundOps under adversarial interleavings (fc.scheduler) and failing persists: memory and the
// store always agree, invariants hold, and no two completions share a sequence number.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOpsInvariants } from '../../core/background/invariants.js';
import { OP_KIND_NAMES, OP_KINDS } from '../../core/background/kinds.js';
import { toStoredCursor, toStoredOperation } from '../../core/background/records.js';
import type { OperationRecord, OpsCursorRecord } from '../../store/records.js';
import type { OpOutcome } from './contract.js';
import { BackgroundOps } from './registry.js';

const outcome: fc.Arbitrary<OpOutcome> = fc.constantFrom<OpOutcome>(
  { status: 'completed', result: 1 },
  { status: 'failed', reason: 'f' },
  { status: 'aborted', reason: 'a' },
  { status: 'retired' },
);

const command = fc.oneof(
  fc.record({ c: fc.constant('start' as const), kind: fc.constantFrom(...OP_KIND_NAMES) }),
  fc.record({
    c: fc.constant('update' as const),
    op: fc.nat(5),
    status: fc.constantFrom('running' as const, 'retiring' as const),
  }),
  fc.record({ c: fc.constant('finish' as const), op: fc.nat(5), outcome }),
  fc.record({ c: fc.constant('cancel' as const), op: fc.nat(5) }),
  fc.record({ c: fc.constant('advance' as const), seq: fc.nat(4) }),
);

describe('BackgroundOps under interleaved calls', () => {
  it('keeps memory equal to the store, with invariants, whatever fails and in whatever order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(command, { maxLength: 14 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        async (s, commands, failures) => {
          const stored = new Map<string, OperationRecord>();
          let cursor: OpsCursorRecord | null = null;
          let calls = 0;
          let ids = 0;
          let minute = 0;
          const ops = new BackgroundOps({
            sessionId: 's1',
            epochId: 'e1',
            now: () => new Date(Date.UTC(2026, 0, 1, 0, minute++ % 60)).toISOString(),
            persist: s.scheduleFunction((change) => {
              if (failures[calls++] === true) return Promise.reject(new Error('store down'));
              for (const op of change.operations) stored.set(op.operationId, op);
              cursor = change.opsCursor ?? cursor;
              return Promise.resolve();
            }),
            admitContinuation: s.scheduleFunction(() => Promise.resolve()),
            isIdle: () => true,
            notice: () => undefined,
            newId: () => `op${ids++}`,
          });
          const pending = commands.map((cmd) => {
            switch (cmd.c) {
              case 'start':
                return ops.start(cmd.kind);
              case 'update':
                return ops.update(`op${cmd.op}`, cmd.status);
              case 'finish':
                return ops.finish(`op${cmd.op}`, cmd.outcome);
              case 'cancel':
                return ops.cancel(`op${cmd.op}`);
              case 'advance':
                return ops.advance('applied', cmd.seq);
            }
          });
          // Releases scheduled persists and admissions, in the scheduler's order, until every call settled.
          await s.waitFor(Promise.allSettled(pending));
          const state = ops.state;
          expect(checkOpsInvariants(state)).toEqual([]);
          const durable = state.operations.filter((op) => OP_KINDS[op.kind].durable);
          expect(new Map(durable.map((op) => [op.operationId, toStoredOperation(op)]))).toEqual(
            stored,
          );
          if (cursor !== null) expect(cursor).toEqual(toStoredCursor(state));
          else expect(durable).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
