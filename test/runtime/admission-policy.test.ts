// whenBusy through the whole runtime: queue, merge, latest, steer, interrupt, reject; silent intents;
// retries with attempts; executors that throw, reject, hang or time out never wedge a session.

import { describe, expect, it } from 'vitest';
import type { InputSubmission } from '../../src/core/input-kinds.js';
import { isBurrowError } from '../../src/core/errors.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import type { ScriptedTurn } from '../../src/executors/scripted-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { RunPrimitive } from '../../src/runtime/executor.js';
import { deferred, flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';

const prompt = (content: string, extra: Partial<InputSubmission> = {}): InputSubmission =>
  ({ kind: 'prompt', content, ...extra }) as InputSubmission;

/** A first turn held open by a gate, then ordinary turns. */
function holdFirstTurn(rest: ScriptedTurn = {}) {
  const hold = deferred();
  const running = deferred();
  const executor = scriptedExecutor((_run: RunPrimitive, index: number) =>
    index === 0
      ? {
          gate: () => {
            running.resolve();
            return hold.promise;
          },
        }
      : rest,
  );
  return { executor, running: running.promise, release: () => hold.resolve() };
}

describe('whenBusy while a turn runs', () => {
  it('queue: inputs wait and run in later turns, one prompt per turn, in order', async () => {
    const { runtime } = await testRuntime();
    const turn = holdFirstTurn();
    await runtime.registerSessionWithExecutor('s1', turn.executor);
    await runtime.acceptInput('s1', prompt('first'));
    await turn.running;
    const b = await runtime.acceptInput('s1', prompt('b'));
    const c = await runtime.acceptInput('s1', prompt('c'));
    turn.release();
    expect(await b.completion).toMatchObject({ status: 'completed', result: ['b'] });
    expect(await c.completion).toMatchObject({ status: 'completed', result: ['c'] });
    expect(turn.executor.runs.map((r) => r.inputIds.length)).toEqual([1, 1, 1]);
  });

  it('merge: all queued merge prompts run together in one turn', async () => {
    const { runtime } = await testRuntime();
    const turn = holdFirstTurn();
    await runtime.registerSessionWithExecutor('s1', turn.executor);
    await runtime.acceptInput('s1', prompt('first'));
    await turn.running;
    const b = await runtime.acceptInput('s1', prompt('b', { whenBusy: 'merge' }));
    const c = await runtime.acceptInput('s1', prompt('c', { whenBusy: 'merge' }));
    turn.release();
    expect(await b.completion).toMatchObject({ status: 'completed', result: ['b', 'c'] });
    expect(await c.completion).toMatchObject({ status: 'completed', result: ['b', 'c'] });
  });

  it('latest: an older queued prompt ends superseded by the newer one', async () => {
    const { runtime } = await testRuntime();
    const turn = holdFirstTurn();
    await runtime.registerSessionWithExecutor('s1', turn.executor);
    await runtime.acceptInput('s1', prompt('first'));
    await turn.running;
    const older = await runtime.acceptInput('s1', prompt('draft 1', { whenBusy: 'latest' }));
    const newer = await runtime.acceptInput('s1', prompt('draft 2', { whenBusy: 'latest' }));
    expect(await older.completion).toEqual({ status: 'superseded', by: newer.inputId });
    turn.release();
    expect(await newer.completion).toMatchObject({ status: 'completed', result: ['draft 2'] });
  });

  it('steer: an input arriving mid-turn reaches the executor at the next boundary', async () => {
    const { runtime } = await testRuntime();
    const step0 = deferred();
    const reachedStep0 = deferred();
    const executor = scriptedExecutor([
      {
        steps: 2,
        gate: async (step) => {
          if (step !== 0) return;
          reachedStep0.resolve();
          await step0.promise;
        },
      },
    ]);
    await runtime.registerSessionWithExecutor('s1', executor);
    const main = await runtime.acceptInput('s1', prompt('main'));
    await reachedStep0.promise;
    const steer = await runtime.acceptInput(
      's1',
      prompt('also consider this', { whenBusy: 'steer' }),
    );
    step0.resolve();
    expect(await main.completion).toMatchObject({
      status: 'completed',
      result: ['main', 'also consider this'],
    });
    expect(await steer.completion).toMatchObject({ status: 'completed' });
    expect(executor.runs[0]?.injected).toEqual([steer.inputId]);
    expect(executor.runs).toHaveLength(1);
  });

  it('interrupt: the running turn is hard-cancelled, its input told cancelled, and the interrupt runs next', async () => {
    const { runtime } = await testRuntime();
    const turn = holdFirstTurn();
    await runtime.registerSessionWithExecutor('s1', turn.executor);
    const first = await runtime.acceptInput('s1', prompt('long task'));
    await turn.running;
    await runtime.acceptInput('s1', prompt('queued behind'));
    const urgent = await runtime.acceptInput(
      's1',
      prompt('stop, do this', { whenBusy: 'interrupt' }),
    );
    expect(await first.completion).toMatchObject({ status: 'cancelled' });
    expect(await urgent.completion).toMatchObject({
      status: 'completed',
      result: ['stop, do this'],
    });
    expect(turn.executor.runs[1]?.inputIds).toEqual([urgent.inputId]);
  });

  it('reject: refused with session_busy while busy, accepted when idle', async () => {
    const { runtime } = await testRuntime();
    const turn = holdFirstTurn();
    await runtime.registerSessionWithExecutor('s1', turn.executor);
    await runtime.acceptInput('s1', prompt('first'));
    await turn.running;
    const refused = await runtime
      .acceptInput('s1', prompt('no', { whenBusy: 'reject' }))
      .catch((e: unknown) => e);
    expect(isBurrowError(refused, 'session_busy')).toBe(true);
    turn.release();
    await flush();
    const { completion } = await runtime.acceptInput('s1', prompt('yes', { whenBusy: 'reject' }));
    expect(await completion).toMatchObject({ status: 'completed' });
  });

  it('deduplicates by idempotency key and refuses the key with a different payload', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const a = await runtime.acceptInput('s1', prompt('hello'), { idempotencyKey: 'msg-42' });
    const b = await runtime.acceptInput('s1', prompt('hello'), { idempotencyKey: 'msg-42' });
    expect(b).toMatchObject({ status: 'deduplicated', inputId: a.inputId });
    expect(await b.completion).toEqual(await a.completion);
    const conflict = await runtime
      .acceptInput('s1', prompt('other'), { idempotencyKey: 'msg-42' })
      .catch((e: unknown) => e);
    expect(isBurrowError(conflict, 'idempotency_conflict')).toBe(true);
  });
});

describe('silent intents', () => {
  it('a silent-intent request never wakes an idle session; it rides along with the next turn', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    await runtime.setSessionSilentIntents('s1', ['fyi']);
    const quiet = await runtime.acceptInput('s1', {
      kind: 'peer_request',
      from: 's9',
      requestId: 'q1',
      intent: 'fyi',
      content: 'note',
    });
    await flush();
    expect(executor.runs).toHaveLength(0);
    const loud = await runtime.acceptInput('s1', {
      kind: 'external_event',
      source: 'hook',
      eventType: 'push',
      payload: {},
    });
    expect(await quiet.completion).toMatchObject({ status: 'completed' });
    expect(await loud.completion).toMatchObject({ status: 'completed' });
    expect(executor.runs[0]?.inputIds).toEqual([quiet.inputId, loud.inputId]);
  });
});

describe('failures', () => {
  it('a failed run retries up to maxAttempts, then abandons; the waiter settles only then', async () => {
    const { runtime } = await testRuntime({ maxAttempts: 3 });
    const executor = scriptedExecutor([
      { fail: { cause: 'llm_failure', message: 'rate limited' } },
    ]);
    await runtime.registerSessionWithExecutor('s1', executor);
    let settled = false;
    const { completion, inputId } = await runtime.acceptInput('s1', prompt('x'));
    void completion.then(() => (settled = true));
    const outcome = await completion;
    expect(settled).toBe(true);
    expect(executor.runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(outcome).toEqual({
      status: 'abandoned',
      reason: 'max_attempts_exhausted',
      error: { code: 'llm_failure', message: 'rate limited', retryable: true },
    });
    expect((await runtime.getInput('s1', inputId))?.attempts).toBe(3);
  });

  it("an input's attempts count the runs it joined, as its events and the executor see them", async () => {
    const { runtime } = await testRuntime({ maxAttempts: 3 });
    const events: RuntimeEvent[] = [];
    runtime.onEvent((event) => events.push(event));
    const running = [deferred(), deferred()];
    const release = [deferred(), deferred()];
    const executor = scriptedExecutor((_run, index) => ({
      gate: async () => {
        running[index]?.resolve();
        await release[index]?.promise;
      },
      ...(index === 0 ? { fail: { cause: 'llm_failure' as const, message: 'try again' } } : {}),
    }));
    await runtime.registerSessionWithExecutor('s1', executor);
    const { inputId, completion } = await runtime.acceptInput('s1', prompt('x'));
    const attemptsNow = async (): Promise<number | undefined> =>
      (await runtime.getInput('s1', inputId))?.attempts;
    const dataOf = (type: RuntimeEvent['type']): unknown[] =>
      events.filter((e) => e.type === type).map((e) => e.data);

    await running[0]?.promise;
    expect(await attemptsNow()).toBe(1);
    expect(executor.runs[0]?.attempt).toBe(1);
    release[0]?.resolve();
    await running[1]?.promise;
    expect(await attemptsNow()).toBe(2);
    expect(executor.runs[1]?.attempt).toBe(2);
    release[1]?.resolve();
    expect(await completion).toMatchObject({ status: 'completed' });
    expect(await attemptsNow()).toBe(2);
    expect(dataOf('input.queued')).toEqual([
      { inputId, attempt: 1 },
      { inputId, attempt: 2 },
    ]);
    expect(dataOf('run.started').map((d) => (d as { attempt: number }).attempt)).toEqual([1, 2]);
  });

  it('a non-retryable error fails the input at once', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor([
      { fail: { cause: 'llm_failure', retryable: false, message: 'bad key' } },
    ]);
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInput('s1', prompt('x'));
    expect(await completion).toMatchObject({
      status: 'failed',
      error: { code: 'llm_failure', message: 'bad key' },
    });
    expect(executor.runs).toHaveLength(1);
  });

  for (const fail of ['throw', 'sync-throw'] as const) {
    it(`an executor that ${fail === 'throw' ? 'rejects' : 'throws synchronously'} never wedges the session`, async () => {
      const { runtime } = await testRuntime({ maxAttempts: 1 });
      const executor = scriptedExecutor((_run, index) => (index === 0 ? { fail } : {}));
      await runtime.registerSessionWithExecutor('s1', executor);
      const bad = await runtime.acceptInput('s1', prompt('bad'));
      expect(await bad.completion).toMatchObject({
        status: 'abandoned',
        reason: 'max_attempts_exhausted',
      });
      const good = await runtime.acceptInput('s1', prompt('good'));
      expect(await good.completion).toMatchObject({ status: 'completed' });
    });
  }

  it('an executor that never settles is cancelled by interrupt after the grace, and the next input runs', async () => {
    const { runtime, clock } = await testRuntime({ manual: true, drainGraceMs: 500 });
    const executor = scriptedExecutor((_run, index) => (index === 0 ? { ignoreSignal: true } : {}));
    await runtime.registerSessionWithExecutor('s1', executor);
    const stuck = await runtime.acceptInput('s1', prompt('stuck'));
    await flush();
    await runtime.interrupt('s1', 'unstick');
    await clock?.untilSleepers(1);
    clock?.advance(500);
    expect(await stuck.completion).toMatchObject({ status: 'cancelled', reason: 'unstick' });
    const next = await runtime.acceptInput('s1', prompt('next'));
    expect(await next.completion).toMatchObject({ status: 'completed' });
  });

  it('an optional per-run timeout hard-cancels with cause timeout and retries', async () => {
    const { runtime, clock } = await testRuntime({
      manual: true,
      runTimeoutMs: 1_000,
      maxAttempts: 1,
    });
    const executor = scriptedExecutor([{ hang: true }]);
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInput('s1', prompt('slow'));
    await clock?.untilSleepers(1);
    clock?.advance(1_000);
    expect(await completion).toMatchObject({
      status: 'abandoned',
      reason: 'max_attempts_exhausted',
      error: { code: 'timeout' },
    });
  });
});
