// Adversarial interleavings (fast-check scheduler) of register, accept, interrupt, cancel-after-boundary,
// stop, retire, destroy and unregister on a few sessions. After each run: machine and ledger invariants
// hold, every accepted input is terminal or pending in a live session, and no waiter of a removed
// session is left hanging.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputOutcome } from '../../src/core/ledger/input-record.js';
import { WHEN_BUSY } from '../../src/core/input-kinds.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';

const SESSIONS = ['a', 'b'] as const;

const operation = fc.oneof(
  fc.record({
    op: fc.constant('accept' as const),
    session: fc.constantFrom(...SESSIONS),
    whenBusy: fc.constantFrom(...WHEN_BUSY),
  }),
  fc.record({
    op: fc.constant('accept' as const),
    session: fc.constantFrom(...SESSIONS),
    whenBusy: fc.constant('steer' as const),
  }),
  fc.record({ op: fc.constant('register' as const), session: fc.constantFrom(...SESSIONS) }),
  fc.record({ op: fc.constant('attach' as const), session: fc.constantFrom(...SESSIONS) }),
  fc.record({
    op: fc.constant('accept' as const),
    session: fc.constantFrom(...SESSIONS),
    whenBusy: fc.constantFrom(...WHEN_BUSY),
  }),
  fc.record({
    op: fc.constant('accept' as const),
    session: fc.constantFrom(...SESSIONS),
    whenBusy: fc.constant('queue' as const),
  }),
  fc.record({ op: fc.constant('interrupt' as const), session: fc.constantFrom(...SESSIONS) }),
  fc.record({
    op: fc.constant('cancelAfterBoundary' as const),
    session: fc.constantFrom(...SESSIONS),
  }),
  fc.record({ op: fc.constant('stop' as const), session: fc.constantFrom(...SESSIONS) }),
  fc.record({ op: fc.constant('retire' as const), session: fc.constantFrom(...SESSIONS) }),
  fc.record({ op: fc.constant('destroy' as const), session: fc.constantFrom(...SESSIONS) }),
  fc.record({ op: fc.constant('unregister' as const), session: fc.constantFrom(...SESSIONS) }),
);

interface Tracked {
  readonly session: string;
  readonly epochId: string;
  readonly inputId: string;
  settled: InputOutcome | null;
}

describe('the runtime under adversarial interleavings', () => {
  it('keeps invariants, loses no accepted input, and strands no waiter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(operation, { minLength: 1, maxLength: 16 }),
        async (s, ops) => {
          const runtime = await createRuntime({
            drainGraceMs: 50,
            retryBackoffMs: { base: 0, max: 0 },
          });
          const tracked: Tracked[] = [];
          const executor = () =>
            scriptedExecutor(() => ({
              steps: 2,
              gate: () => s.schedule(Promise.resolve(), 'turn step'),
            }));
          const run = async (op: (typeof ops)[number]): Promise<void> => {
            switch (op.op) {
              case 'register':
                await runtime.registerSession(op.session);
                return;
              case 'attach':
                await runtime.registerSessionWithExecutor(op.session, executor());
                return;
              case 'accept': {
                const result = await runtime.acceptInput(op.session, {
                  kind: 'prompt',
                  content: 'x',
                  whenBusy: op.whenBusy,
                });
                const { epochId } = await runtime.snapshot(op.session);
                const entry: Tracked = {
                  session: op.session,
                  epochId,
                  inputId: result.inputId,
                  settled: null,
                };
                tracked.push(entry);
                void result.completion.then((outcome) => (entry.settled = outcome));
                return;
              }
              case 'interrupt':
                await runtime.interrupt(op.session);
                return;
              case 'cancelAfterBoundary':
                await runtime.cancelAfterBoundary(op.session);
                return;
              case 'stop':
                await runtime.stop(op.session);
                return;
              case 'retire':
                await runtime.retire(op.session);
                return;
              case 'destroy':
                await runtime.destroy(op.session);
                return;
              case 'unregister':
                await runtime.unregisterSession(op.session);
                return;
            }
          };
          await runtime.registerSessionWithExecutor('a', executor());
          await runtime.registerSession('b');
          const tasks = ops.map((op) =>
            s.schedule(Promise.resolve(), op.op).then(() =>
              run(op).catch((error: unknown) => {
                // Refusals are expected outcomes of racing operations; anything else is a bug.
                if (!(error instanceof Error && error.name === 'BurrowError')) throw error;
                const code = (error as Error & { code: string }).code;
                expect(['session_not_found', 'not_ready', 'destroyed', 'session_busy']).toContain(
                  code,
                );
              }),
            ),
          );
          await s.waitFor(Promise.all(tasks));
          for (;;) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            if (s.count() === 0) break;
            await s.waitOne();
          }

          const health = runtime.diagnostics();
          for (const session of health.sessions) {
            expect(session.machineViolations).toEqual([]);
            expect(session.ledgerViolations).toEqual([]);
          }
          for (const input of tracked) {
            const live =
              (await runtime.containsSession(input.session)) &&
              (await runtime.snapshot(input.session)).epochId === input.epochId;
            if (live) {
              // The same incarnation still holds the input, terminal or pending.
              expect(await runtime.getInput(input.session, input.inputId)).not.toBeNull();
            } else {
              expect(input.settled).not.toBeNull();
            }
          }
          await runtime.close();
          await new Promise<void>((resolve) => setImmediate(resolve));
          for (const input of tracked) expect(input.settled).not.toBeNull();
          expect(runtime.diagnostics().gatesHeld).toBe(0);
        },
      ),
      { numRuns: Number(process.env['SCHED_RUNS'] ?? 100) },
    );
  }, 120_000);
});
