// Containment and repair: hostile executor results never crash a loop; a dead attachment is repaired;
// peers reach a session through its comms drain.

import { describe, expect, it } from 'vitest';
import { stepAll } from '../../src/core/session-machine.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Executor, RunResult } from '../../src/runtime/executor.js';
import { createContext } from '../../src/runtime/runtime-context.js';
import { systemClock } from '../../src/runtime/clock.js';
import { repairDeadAttachment } from '../../src/runtime/session-attach.js';
import { buildEntry } from '../../src/runtime/session-load.js';
import type { LoopHandle } from '../../src/runtime/session-entry.js';
import { flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';

describe('containment of executor results', () => {
  const hostile: [string, () => unknown][] = [
    [
      'a result whose getter throws',
      () => ({
        get status(): string {
          throw new Error('boom');
        },
      }),
    ],
    [
      'a result with a cycle',
      () => {
        const r: Record<string, unknown> = { status: 'completed' };
        r['output'] = r;
        return r;
      },
    ],
    ['a result with a bigint output', () => ({ status: 'completed', output: 10n })],
    ['not an object at all', () => 42],
    ['an unknown status', () => ({ status: 'done' })],
  ];
  for (const [name, make] of hostile) {
    it(`${name} fails the turn without killing the loop`, async () => {
      const { runtime } = await testRuntime({ maxAttempts: 1 });
      let first = true;
      const executor: Executor = {
        apply: () => {
          if (!first) return Promise.resolve({ status: 'completed', output: 'fine' });
          first = false;
          return Promise.resolve(make() as RunResult);
        },
      };
      await runtime.registerSessionWithExecutor('s1', executor);
      const bad = await runtime.acceptInput('s1', { kind: 'prompt', content: 'bad' });
      expect(await bad.completion).toMatchObject({
        status: 'abandoned',
        reason: 'max_attempts_exhausted',
      });
      const good = await runtime.acceptInput('s1', { kind: 'prompt', content: 'good' });
      expect(await good.completion).toMatchObject({ status: 'completed', result: 'fine' });
      expect(runtime.diagnostics().liveLoops).toBe(1);
    });
  }
});

describe('dead-attachment repair', () => {
  it('steps RuntimeExecutorExited for a claim whose loop died, and abandons what was pending', async () => {
    const ctx = createContext({}, systemClock);
    const entry = buildEntry(ctx, 's1', null);
    const attached = stepAll(entry.machine, [
      { type: 'EnsureSessionWithExecutor', sessionId: 's1' },
    ]);
    expect(attached.ok).toBe(true);
    if (!attached.ok) return;
    entry.machine = attached.state;
    const dead: LoopHandle = {
      state: 'stopped',
      done: Promise.resolve(),
      busy: false,
      wake: () => undefined,
      requestExit: () => undefined,
      hardCancel: () => undefined,
      abort: () => undefined,
    };
    entry.loop = dead;
    await repairDeadAttachment(ctx, entry);
    expect(entry.loop).toBeNull();
    expect(entry.machine.phase).toBe('stopped');
    expect(entry.machine.registration).toBe('queuing');
  });
});

describe('the comms drain', () => {
  it('pulls peer inputs sent to a session into it, and refuses non-peer kinds on the channel', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    await runtime.registerSession('s2');
    await runtime.enableComms('s1');
    expect(await runtime.sessionHasComms('s1')).toBe(true);
    await runtime.sendPeer('s1', { kind: 'peer_message', from: 's2', content: 'hello from s2' });
    for (let i = 0; i < 50 && executor.runs.length === 0; i += 1) await flush(2);
    expect(executor.runs).toHaveLength(1);
    const record = await runtime.getInput('s1', executor.runs[0]?.inputIds[0] ?? '');
    expect(record?.payload).toMatchObject({ kind: 'peer_message', from: 's2' });
    expect(record?.header.origin).toBe('peer');
    await expect(runtime.sendPeer('s1', { kind: 'prompt', content: 'x' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      runtime.sendPeer('nobody', { kind: 'peer_message', from: 's2', content: 'x' }),
    ).rejects.toMatchObject({
      code: 'session_not_found',
    });
  });
});
