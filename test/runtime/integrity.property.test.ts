// The integrity promise under a random workload (issue 10): many sessions, inputs with random
// `whenBusy`, reused ids (same and different content), interrupts, cancels, retires, stops and
// unregisters racing each other on a real SQLite file. Afterwards every acknowledged input has exactly
// one terminal state, equal to what its completion said; the transcript holds each committed turn once;
// each session's event stream is gapless and identical live, replayed in process and replayed from
// the reopened file.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import type { WhenBusy } from '../../src/core/input-kinds.js';
import type { InputOutcome } from '../../src/core/ledger/input-record.js';
import type { DurableEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import type { Executor, RunResult } from '../../src/runtime/executor.js';
import { ExecutorError } from '../../src/runtime/executor-error.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const SESSIONS = ['a', 'b', 'c'] as const;
type SessionName = (typeof SESSIONS)[number];

const CONTROL_OPS = ['interrupt', 'cancel', 'retire', 'stop', 'unregister', 'attach'] as const;

type Op =
  | {
      readonly op: 'accept';
      readonly session: SessionName;
      readonly whenBusy: WhenBusy | null;
      /** `fresh`: a runtime-minted id; `id-N`: a caller id from a small pool (so ids are reused). */
      readonly id: string | null;
      readonly content: string;
    }
  | { readonly op: (typeof CONTROL_OPS)[number]; readonly session: SessionName }
  | { readonly op: 'pause'; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('accept' as const),
      session: fc.constantFrom(...SESSIONS),
      whenBusy: fc.constantFrom<WhenBusy | null>(
        null,
        'queue',
        'merge',
        'latest',
        'steer',
        'interrupt',
        'reject',
      ),
      id: fc.option(fc.constantFrom('id-1', 'id-2', 'id-3', 'id-4'), { freq: 2 }),
      content: fc.constantFrom('x', 'y'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom(...CONTROL_OPS),
      session: fc.constantFrom(...SESSIONS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 8 }) }),
  },
);

/** A turn of 1–3 steps with boundaries between, a few ms each; it honours the signal and stops. */
function stepper(executed: string[]): Executor {
  return {
    async apply(run, ctx): Promise<RunResult> {
      executed.push(run.runId);
      const seen = run.inputs.map((i) => i.inputId);
      const dice = run.runId.charCodeAt(run.runId.length - 1) + run.attempt;
      const steps = 1 + (dice % 3);
      // About one turn in seven fails: retryable mostly, sometimes not.
      if (dice % 7 === 0)
        throw new ExecutorError('llm_failure', 'flaky model', { retryable: dice % 2 === 0 });
      for (let step = 0; step < steps; step += 1) {
        await delay(1 + (step % 3), undefined, { signal: ctx.signal });
        if (step < steps - 1) {
          const directive = await ctx.boundary();
          seen.push(...directive.inject.map((i) => i.inputId));
          if (directive.stop)
            return {
              status: 'cancelled',
              append: [{ role: 'assistant', content: `stop ${run.runId}` }],
            };
        }
      }
      return {
        status: 'completed',
        output: { runId: run.runId, inputs: seen },
        append: [
          { role: 'user', content: seen.join(',') },
          { role: 'assistant', content: `done ${run.runId}` },
        ],
      };
    },
  };
}

/** One acknowledged accept call (a deduplicated one included) and what its completion said. */
interface Acked {
  readonly sessionId: string;
  readonly inputId: string;
  readonly status: 'accepted' | 'deduplicated';
  readonly content: string;
  outcome: InputOutcome | null;
}

/** Runs the ops with up to three in flight at once; refusals with a closed code are fine. */
async function drive(
  runtime: Runtime,
  ops: readonly Op[],
  acked: Acked[],
  executed: string[],
  lateAccepts: string[],
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  // Sessions a retire or a stop closed: no accept started afterwards may be taken (retired and
  // stopped are sticky here: attach refuses them and unregister keeps their record).
  const closed = new Set<string>();
  const expected = (error: unknown): void => {
    if (!isBurrowError(error)) throw error;
  };
  for (const op of ops) {
    const run = async (): Promise<void> => {
      switch (op.op) {
        case 'pause':
          await delay(op.ms);
          return;
        case 'accept': {
          const wasClosed = closed.has(op.session);
          const result = await runtime
            .acceptInput(op.session, {
              kind: 'prompt',
              content: op.content,
              ...(op.id === null ? {} : { inputId: op.id }),
              ...(op.whenBusy === null ? {} : { whenBusy: op.whenBusy }),
            })
            .catch((error: unknown) => expected(error));
          if (result === undefined) return;
          if (wasClosed && result.status === 'accepted')
            lateAccepts.push(`${op.session}/${result.inputId}`);
          const entry: Acked = {
            sessionId: op.session,
            inputId: result.inputId,
            status: result.status,
            content: op.content,
            outcome: null,
          };
          acked.push(entry);
          void result.completion.then((outcome) => (entry.outcome = outcome));
          return;
        }
        case 'interrupt':
          return runtime.interrupt(op.session, 'test interrupt').catch(expected);
        case 'cancel':
          return runtime.cancelAfterBoundary(op.session, 'test cancel').catch(expected);
        case 'retire':
          return runtime.retire(op.session).then(() => void closed.add(op.session), expected);
        case 'stop':
          return runtime
            .stop(op.session, 'test stop', { signal: AbortSignal.timeout(2_000) })
            .catch((error: unknown) => {
              if (!(error instanceof DOMException)) expected(error);
            });
        case 'unregister':
          return runtime.unregisterSession(op.session).catch(expected);
        case 'attach':
          // An attach that succeeds found the session open (a retired or stopped one refuses it):
          // a stop that lost its race with an unregister left a fresh session behind.
          return runtime
            .registerSessionWithExecutor(op.session, stepper(executed))
            .then(() => void closed.delete(op.session), expected);
      }
    };
    const task = run();
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= 3) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

describe('integrity under a random workload on SQLite', () => {
  it('ends every acknowledged input once, as its completion said, with gapless streams equal live and replayed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), async (ops) => {
        const dir = await mkdtemp(join(tmpdir(), 'burrow-integrity-'));
        const path = join(dir, 'runtime.db');
        const executed: string[] = [];
        const acked: Acked[] = [];
        const lateAccepts: string[] = [];
        const live = new Map<string, DurableEvent[]>();
        const runtime = await createRuntime({
          store: await openSqliteStore(path),
          retryBackoffMs: { base: 1, max: 5 },
          drainGraceMs: 200,
          pruneIntervalMs: 0,
        });
        try {
          runtime.onEvent((event) => {
            if (!isDurableEvent(event)) return;
            const list = live.get(event.sessionId) ?? [];
            list.push(event);
            live.set(event.sessionId, list);
          });
          for (const session of SESSIONS)
            await runtime.registerSessionWithExecutor(session, stepper(executed));
          await drive(runtime, ops, acked, executed, lateAccepts);
          expect(lateAccepts, 'accepted after retire or stop returned').toEqual([]);
          // In-process replays from the start, read until the stream ends at unregister.
          const replays = SESSIONS.map(async (session) => {
            const events: DurableEvent[] = [];
            try {
              for await (const event of runtime.events(session, { since: 0 }))
                if (isDurableEvent(event)) events.push(event);
            } catch (error: unknown) {
              if (!isBurrowError(error, 'session_not_found')) throw error;
              return null; // unregistered by the workload: nothing to replay in process
            }
            return events;
          });
          await delay(5);
          for (const session of SESSIONS) await runtime.unregisterSession(session);
          const inProcess = await Promise.all(replays);
          SESSIONS.forEach((session, i) => {
            const replay = inProcess[i];
            if (replay !== null && replay !== undefined)
              expect(replay, `in-process replay of ${session}`).toEqual(live.get(session) ?? []);
          });
          // Unregister settles every waiter: no completion may still be pending.
          await delay(0);
          for (const entry of acked)
            expect(
              entry.outcome,
              `completion of ${entry.sessionId}/${entry.inputId}`,
            ).not.toBeNull();
        } finally {
          await runtime.close({ signal: AbortSignal.timeout(5_000) });
        }

        const store = await openSqliteStore(path);
        try {
          for (const session of SESSIONS) {
            const rt = runtimeIdOf(session);
            // Exactly one terminal state per acknowledged input, equal to its completion.
            for (const entry of acked.filter((e) => e.sessionId === session)) {
              const record = await store.readInput(rt, entry.inputId);
              expect(record, `record of ${session}/${entry.inputId}`).not.toBeNull();
              // A reused id never replaces what was accepted: the record holds this caller's content.
              expect(record?.payload['content'], `content of ${session}/${entry.inputId}`).toBe(
                entry.content,
              );
              expect(['consumed', 'superseded', 'coalesced', 'abandoned']).toContain(
                record?.state.status,
              );
              expect(record?.outcome, `outcome of ${session}/${entry.inputId}`).toEqual(
                entry.outcome,
              );
            }
            // Each committed turn's messages are in the transcript once, in order, with no gaps.
            const receipts = await store.readReceipts(rt, 0, Number.POSITIVE_INFINITY);
            const transcript = await store.readTranscript(rt, 0, Number.POSITIVE_INFINITY);
            expect(transcript.map((m) => m.index)).toEqual(transcript.map((_, i) => i));
            expect(new Set(receipts.map((r) => r.runId)).size).toBe(receipts.length);
            const consumedBy = new Map<string, string>();
            for (const receipt of receipts.filter((r) => r.outcome === 'completed')) {
              expect(transcript.filter((m) => m.runId === receipt.runId)).toHaveLength(2);
              for (const id of receipt.inputIds) {
                expect(consumedBy.get(id), `${session}/${id} consumed twice`).toBeUndefined();
                consumedBy.set(id, receipt.runId);
              }
            }
            expect(transcript.every((m) => receipts.some((r) => r.runId === m.runId))).toBe(true);
            // The stream: gapless, and the same live as replayed from the reopened file.
            const replayed = await store.readEvents(rt, 0, Number.POSITIVE_INFINITY);
            expect(replayed.map((e) => e.seq)).toEqual(replayed.map((_, i) => i + 1));
            expect(replayed).toEqual(live.get(session) ?? []);
          }
        } finally {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env['BURROW_INTEGRITY_RUNS'] ?? 12), endOnFailure: true },
    );
  }, 240_000);
});
