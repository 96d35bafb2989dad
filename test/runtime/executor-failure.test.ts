// Issue 10, item 2: whatever an executor throws or returns ends the run as a failure with a clear,
// sanitised cause and message; the session is never wedged and its loop never dies.

import { describe, expect, it } from 'vitest';
import type { FailureCause } from '../../src/core/machine/state.js';
import { ExecutorError } from '../../src/runtime/executor-error.js';
import type { Executor, RunResult } from '../../src/runtime/executor.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { testRuntime } from '../support/runtime-fixture.js';

/** An executor whose first turn throws `make()`, and whose later turns complete. */
function throwsOnce(make: () => unknown): Executor {
  let first = true;
  return {
    apply: () => {
      if (!first) return Promise.resolve({ status: 'completed', output: 'fine' } as RunResult);
      first = false;
      return Promise.reject(make());
    },
  };
}

const hostileThrows: [string, () => unknown][] = [
  [
    'an ExecutorError whose cause is not a known cause',
    () => new ExecutorError('quota_exceeded' as FailureCause, 'over quota'),
  ],
  [
    'an Error whose message getter throws',
    () => {
      const error = new Error('x');
      Object.defineProperty(error, 'message', {
        get(): string {
          throw new Error('no message for you');
        },
      });
      return error;
    },
  ],
  [
    'a Proxy whose every trap throws',
    () =>
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('get trap');
          },
          getPrototypeOf: () => {
            throw new Error('prototype trap');
          },
          has: () => {
            throw new Error('has trap');
          },
          ownKeys: () => {
            throw new Error('ownKeys trap');
          },
          getOwnPropertyDescriptor: () => {
            throw new Error('descriptor trap');
          },
        },
      ),
  ],
  [
    'an object whose toString and toJSON throw',
    () => ({
      toString(): string {
        throw new Error('toString');
      },
      toJSON(): string {
        throw new Error('toJSON');
      },
    }),
  ],
  [
    'an ExecutorError whose cause getter throws',
    () => {
      const error = new ExecutorError('llm_failure', 'x');
      Object.defineProperty(error, 'causeCode', {
        get(): string {
          throw new Error('cause getter');
        },
      });
      return error;
    },
  ],
  ['undefined', () => undefined],
  ['a symbol', () => Symbol('odd')],
];

describe('an executor that throws something hostile', () => {
  for (const [name, make] of hostileThrows) {
    it(`${name} fails the run with executor_error, and the session goes on`, async () => {
      const { runtime } = await testRuntime({ maxAttempts: 1 });
      const failed: RuntimeEvent[] = [];
      runtime.onEvent((event) => {
        if (event.type === 'run.failed') failed.push(event);
      });
      await runtime.registerSessionWithExecutor('s1', throwsOnce(make));
      const bad = await runtime.acceptInput('s1', { kind: 'prompt', content: 'bad' });
      const outcome = await bad.completion;
      expect(outcome).toMatchObject({
        status: 'abandoned',
        reason: 'max_attempts_exhausted',
        error: { code: 'executor_error', retryable: true },
      });
      const message = outcome.status === 'abandoned' ? (outcome.error?.message ?? '') : '';
      expect(message.length).toBeGreaterThan(0);
      expect(failed[0]?.data).toMatchObject({ cause: 'executor_error', retryable: true });
      const snapshot = await runtime.snapshot('s1');
      expect(snapshot.run).toBeNull();
      expect(snapshot.phase).toBe('attached');
      const good = await runtime.acceptInput('s1', { kind: 'prompt', content: 'good' });
      expect(await good.completion).toMatchObject({ status: 'completed', result: 'fine' });
      expect(runtime.diagnostics().liveLoops).toBe(1);
    });
  }

  it('names the unknown cause in the message, keeps the retryable flag, and bounds a huge message', async () => {
    const { runtime } = await testRuntime({ maxAttempts: 1 });
    const huge = 'y'.repeat(100_000);
    await runtime.registerSessionWithExecutor(
      's1',
      throwsOnce(
        () => new ExecutorError('quota_exceeded' as FailureCause, huge, { retryable: false }),
      ),
    );
    const bad = await runtime.acceptInput('s1', { kind: 'prompt', content: 'bad' });
    const outcome = await bad.completion;
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'executor_error', retryable: false },
    });
    const message = outcome.status === 'failed' ? outcome.error.message : '';
    expect(message).toContain('quota_exceeded');
    expect(message.length).toBeLessThanOrEqual(1_024);
  });

  it('an interrupt still reaches a session whose executor threw an unknown cause before', async () => {
    const { runtime } = await testRuntime({ maxAttempts: 2 });
    let turn = 0;
    const executor: Executor = {
      apply: (_run, ctx) => {
        turn += 1;
        if (turn === 1)
          return Promise.reject(new ExecutorError('mystery' as FailureCause, 'unknown'));
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), {
            once: true,
          }),
        );
      },
    };
    await runtime.registerSessionWithExecutor('s1', executor);
    const input = await runtime.acceptInput('s1', { kind: 'prompt', content: 'x' });
    for (let i = 0; i < 100 && turn < 2; i += 1) await new Promise((r) => setImmediate(r));
    expect(turn).toBe(2);
    await runtime.interrupt('s1', 'enough');
    expect(await input.completion).toMatchObject({ status: 'cancelled', reason: 'enough' });
  });
});
