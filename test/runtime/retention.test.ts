// Retention (02, 04): terminal inputs leave memory and the store after their window; live ones never do.

import { describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { testRuntime } from '../support/runtime-fixture.js';

describe('retention', () => {
  it('prunes terminal inputs beyond the newest kept once they are older than the window, in memory and store', async () => {
    const rule = { maxAgeMs: 60_000, keepPerSession: 2 };
    const { runtime, clock } = await testRuntime({
      manual: true,
      store: memoryStore(),
      retention: { inputs: rule, receipts: rule, events: rule, operations: rule },
      pruneIntervalMs: 0,
    });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { inputId, completion } = await runtime.acceptInput('s1', {
        kind: 'prompt',
        content: `m${i}`,
      });
      ids.push(inputId);
      await completion;
    }
    await runtime.registerSession('idle');
    const pending = await runtime.acceptInput('idle', { kind: 'prompt', content: 'still queued' });
    expect((await runtime.prune()).memoryInputs).toBe(0);
    clock?.advance(60_001);
    const report = await runtime.prune();
    expect(report.memoryInputs).toBe(3);
    expect(report.store?.inputs).toBe(3);
    for (const id of ids.slice(0, 3)) expect(await runtime.getInput('s1', id)).toBeNull();
    for (const id of ids.slice(3)) expect(await runtime.getInput('s1', id)).not.toBeNull();
    expect((await runtime.getInput('idle', pending.inputId))?.state).toEqual({ status: 'queued' });
    expect(report.store?.receipts).toBe(3);
  });

  it('runs periodically on the clock until the runtime closes', async () => {
    const rule = { maxAgeMs: 1_000, keepPerSession: 0 };
    const { runtime, clock } = await testRuntime({
      manual: true,
      store: memoryStore(),
      retention: { inputs: rule },
      pruneIntervalMs: 5_000,
    });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const { inputId, completion } = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'old',
    });
    await completion;
    clock?.advance(5_000);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(await runtime.getInput('s1', inputId)).toBeNull();
  });
});
