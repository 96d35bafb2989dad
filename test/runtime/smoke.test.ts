import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';

describe('smoke', () => {
  it('runs a turn storeless', async () => {
    const runtime = await createRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'hello' });
    expect(await completion).toMatchObject({ status: 'completed', result: ['hello'] });
    expect((await runtime.getTranscript('s1')).length).toBe(2);
    await runtime.unregisterSession('s1');
    await runtime.close();
  });
  it('runs a turn with the memory store', async () => {
    const runtime = await createRuntime({ store: memoryStore() });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const { completion } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'hello' });
    expect(await completion).toMatchObject({ status: 'completed', result: ['hello'] });
    expect((await runtime.getTranscript('s1')).length).toBe(2);
    await runtime.unregisterSession('s1');
    await runtime.close();
  });
});
