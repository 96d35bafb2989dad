// The AI SDK executor against a local fake OpenAI-compatible server: real provider, real HTTP, no internet.

import { tool } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../../src/core/json.js';
import { ExecutorError } from '../../src/runtime/executor-error.js';
import type { Executor } from '../../src/runtime/executor.js';
import { openAiCompatibleExecutorFromEnv } from '../../src/executors/ai-sdk/openai-compatible.js';
import { parseHistory } from '../../src/executors/ai-sdk/parse-history.js';
import {
  createRunHarness,
  deferred,
  promptInput,
  runPrimitive,
} from '../../src/executors/ai-sdk/test-harness.test-support.js';
import { unansweredToolCalls } from '../../src/executors/ai-sdk/turn-transcript.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';

let fake: FakeOpenAiServer;

beforeEach(async () => {
  fake = await startFakeOpenAiServer();
});

afterEach(async () => {
  await fake.close();
});

function executor(options: Parameters<typeof openAiCompatibleExecutorFromEnv>[1] = {}): Executor {
  const env = {
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: 'sk-fake',
    BURROW_MODEL: 'fake-model',
  };
  return openAiCompatibleExecutorFromEnv(env, { settings: { maxRetries: 0 }, ...options });
}

function roles(body: { messages?: readonly { role: string }[] } | undefined): string[] {
  return (body?.messages ?? []).map((m) => m.role);
}

describe('openai-compatible executor against a fake server', () => {
  it('streams a turn end to end: a tool call, its result, the answer, usage', async () => {
    fake.enqueue(
      {
        type: 'tool_calls',
        calls: [{ id: 'call_calc', name: 'calculator', arguments: { expression: '6 * 7' } }],
        usage: { prompt: 20, completion: 8 },
      },
      { type: 'text', text: ['The answer ', 'is 42.'], usage: { prompt: 40, completion: 6 } },
    );
    const harness = createRunHarness();
    const result = await executor({ exampleTools: true, system: 'You are terse.' }).apply(
      runPrimitive([promptInput('What is 6 * 7?')]),
      harness.ctx,
    );

    expect(result).toMatchObject({ status: 'completed', output: 'The answer is 42.' });
    expect(result.usage).toEqual({ inputTokens: 60, outputTokens: 14, totalTokens: 74 });
    expect(harness.emitted.filter((p) => p.type === 'text_delta').map((p) => p.text)).toEqual([
      'The answer ',
      'is 42.',
    ]);
    expect(harness.emitted).toContainEqual({
      type: 'tool_result',
      toolCallId: 'call_calc',
      toolName: 'calculator',
      result: { expression: '6 * 7', value: 42 },
    });

    const [first, second] = fake.requests;
    expect(first?.headers.authorization).toBe('Bearer sk-fake');
    expect(first?.body).toMatchObject({ model: 'fake-model', stream: true });
    expect(first?.body?.tools?.map((t) => t.function.name).sort()).toEqual([
      'calculator',
      'currentTime',
      'saveNote',
    ]);
    expect(roles(first?.body)).toEqual(['system', 'user']);
    expect(roles(second?.body)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second?.body?.messages?.[3]).toMatchObject({ role: 'tool', tool_call_id: 'call_calc' });
    expect(JSON.stringify(second?.body?.messages?.[3])).toContain('42');

    // The stored transcript is a valid conversation for the next turn.
    fake.enqueue({ type: 'text', text: 'You are welcome.' });
    const next = await executor().apply(
      runPrimitive([promptInput('Thanks')]),
      createRunHarness([...(result.append ?? [])]).ctx,
    );
    expect(next.status).toBe('completed');
    expect(roles(fake.requests[2]?.body)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
  });

  it('ends the turn cancelled when interrupted mid-stream, and the server sees the connection close', async () => {
    fake.enqueue({ type: 'text', text: ['Once', ' upon', ' a time'], stallAfterChunks: 1 });
    const harness = createRunHarness();
    const turn = executor().apply(runPrimitive([promptInput('Tell me a story')]), harness.ctx);
    await harness.untilEmitted((p) => p.type === 'text_delta' && p.text === 'Once');
    harness.abort('interrupted by operator');

    const result = await turn; // the server would stall forever: only the abort ends the turn
    expect(result).toEqual({
      status: 'cancelled',
      append: [
        { role: 'user', content: 'Tell me a story' },
        { role: 'assistant', content: [{ type: 'text', text: 'Once' }] },
      ],
    });
    expect(await fake.requests[0]?.ended).toBe('client_closed');
  });

  it('leaves a transcript the provider accepts after an interrupt during a tool call', async () => {
    const started = deferred();
    const stuck = tool({
      description: 'Never finishes',
      inputSchema: z.object({}),
      execute: (): Promise<string> => {
        started.resolve();
        return new Promise(() => undefined);
      },
    });
    fake.enqueue({
      type: 'tool_calls',
      calls: [{ id: 'call_stuck', name: 'stuck', arguments: {} }],
    });
    const harness = createRunHarness();
    const turn = executor({ tools: { stuck } }).apply(
      runPrimitive([promptInput('Go')]),
      harness.ctx,
    );
    await started.promise;
    harness.abort('interrupted by operator');
    const result = await turn;

    expect(result.status).toBe('cancelled');
    const transcript: JsonValue[] = [...(result.append ?? [])];
    expect(unansweredToolCalls(parseHistory(transcript))).toEqual([]);
    fake.enqueue({ type: 'text', text: 'Sorry, that was cancelled.' });
    const next = await executor({ tools: { stuck } }).apply(
      runPrimitive([promptInput('What happened?')]),
      createRunHarness(transcript).ctx,
    );
    expect(next.status).toBe('completed');
    expect(fake.requests[1]?.body?.messages?.[2]).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_stuck',
      content: 'cancelled: interrupted by operator',
    });
  });

  it.each([
    [429, true],
    [503, true],
    [401, false],
    [400, false],
  ])('maps HTTP %i from the server to llm_failure, retryable %s', async (status, retryable) => {
    fake.enqueue({ type: 'error', status, message: `status ${status}` });
    const error: unknown = await executor()
      .apply(runPrimitive([promptInput('Hi')]), createRunHarness().ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutorError);
    expect(error).toMatchObject({ causeCode: 'llm_failure', retryable });
  });
});
