// Containment and repair: hostile executor results never crash a loop; a crashed loop's dead
// attachment is repaired and the session stays claimable; peers reach a session through its comms drain.

import { describe, expect, it } from 'vitest';
import { findInput } from '../../src/core/ledger/input-ledger.js';
import { step } from '../../src/core/machine/session-machine.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Executor, RunResult } from '../../src/runtime/executor.js';
import { createContext } from '../../src/runtime/create-context.js';
import { systemClock } from '../../src/runtime/clock.js';
import { acceptInput } from '../../src/runtime/operations/accept.js';
import {
  ensureSessionWithExecutor,
  registerSession,
} from '../../src/runtime/operations/register.js';
import { unregisterSession } from '../../src/runtime/operations/unregister.js';
import { startBatch } from '../../src/runtime/loop/run-start.js';
import { repairDeadAttachment } from '../../src/runtime/session/attach.js';
import { commitChange } from '../../src/runtime/session/commit.js';
import type { LoopHandle } from '../../src/runtime/session/entry-types.js';
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
  it('detaches the executor of a crashed loop: its run is rolled back, inputs stay queued, and a new executor can claim the session', async () => {
    const ctx = createContext({}, systemClock);
    await registerSession(ctx, 's1');
    const entry = ctx.sessions.get('s1');
    if (entry === undefined) throw new Error('not registered');
    const claimed = step(entry.machine, { type: 'EnsureSessionWithExecutor', sessionId: 's1' });
    if (!claimed.ok) throw new Error('claim refused');
    await ctx.gate.with('s1', () => commitChange(ctx, entry, { machine: claimed }));
    const loop: { -readonly [K in keyof LoopHandle]: LoopHandle[K] } = {
      state: 'running',
      done: Promise.resolve(),
      busy: true,
      crash: null,
      wake: () => undefined,
      requestExit: () => undefined,
      hardCancel: () => undefined,
      abort: () => undefined,
    };
    entry.attach(loop);
    const first = await acceptInput(ctx, 's1', { kind: 'prompt', content: 'a' }, {}, true);
    const second = await acceptInput(ctx, 's1', { kind: 'prompt', content: 'b' }, {}, true);
    const started = await ctx.gate.with('s1', () => startBatch(ctx, entry, loop));
    expect(started?.records.map((r) => r.header.inputId)).toEqual([first.inputId]);
    // The loop dies of a bug of its own, with its run bound.
    Object.assign(loop, { state: 'stopped', busy: false, crash: 'boom' });

    await ctx.gate.with('s1', () => repairDeadAttachment(ctx, entry));
    expect(entry.loop).toBeNull();
    expect(entry.machine).toMatchObject({ phase: 'idle', registration: 'queuing', run: null });
    expect(findInput(entry.ledger, first.inputId)?.state).toEqual({ status: 'queued' });
    expect(findInput(entry.ledger, first.inputId)?.attempts).toBe(0);
    expect(findInput(entry.ledger, second.inputId)?.state).toEqual({ status: 'queued' });
    const replay = entry.events.recent(0).events.map((e) => [e.type, e.data]);
    expect(replay).toContainEqual([
      'runtime.notice',
      { kind: 'lost', message: 'the runtime loop crashed: boom' },
    ]);
    expect(replay).toContainEqual([
      'session.executor_detached',
      { reason: 'the runtime loop crashed: boom' },
    ]);

    const executor = scriptedExecutor();
    await ensureSessionWithExecutor(ctx, 's1', executor);
    expect(await first.completion).toMatchObject({ status: 'completed', result: ['a'] });
    expect(await second.completion).toMatchObject({ status: 'completed', result: ['b'] });
    await unregisterSession(ctx, 's1');
  });

  it('a stop racing another control op is reported as the stop, never as a dead loop', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const queued = await runtime.acceptInputWithoutWake('s1', { kind: 'prompt', content: 'a' });
    // The stop's loop exits normally; its exit hook waits for the gate behind the register.
    const stopping = runtime.stop('s1', 'operator stop');
    const registering = runtime.registerSession('s1');
    await Promise.all([stopping, registering]);
    expect(await queued.completion).toEqual({
      status: 'runtime_terminated',
      reason: 'operator stop',
    });
    expect((await runtime.snapshot('s1')).phase).toBe('stopped');
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
