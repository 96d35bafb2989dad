import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { APICallError, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ExecutorError } from '../../runtime/executor-error.js';
import { aiSdkExecutor } from './ai-sdk-executor.js';
import { promptText, scriptedModel, type ScriptedCall } from './scripted-model.test-support.js';
import { createRunHarness, promptInput, runPrimitive } from './test-harness.test-support.js';
import { FatalToolError } from './tool-errors.js';

function apiError(statusCode: number): APICallError {
  return new APICallError({
    message: `status ${statusCode}`,
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    // Tells the SDK's own retry loop to retry at once instead of backing off for seconds.
    responseHeaders: { 'retry-after-ms': '0' },
  });
}

async function failure(
  script: ScriptedCall[],
  options: Partial<Parameters<typeof aiSdkExecutor>[0]> = {},
) {
  const model = scriptedModel(script);
  const executor = aiSdkExecutor({ model, settings: { maxRetries: 0 }, ...options });
  const error: unknown = await executor
    .apply(runPrimitive([promptInput('Hi')]), createRunHarness().ctx)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(ExecutorError);
  return error as ExecutorError;
}

describe('aiSdkExecutor: provider errors', () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [401, false],
    [403, false],
    [400, false],
    [404, false],
    [422, false],
  ])('maps HTTP %i from the provider to llm_failure, retryable %s', async (status, retryable) => {
    const error = await failure([{ error: apiError(status) }]);
    expect(error.causeCode).toBe('llm_failure');
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it("judges a rate limit that outlasted the SDK's own retries by its last error", async () => {
    const model = scriptedModel([{ error: apiError(429) }, { error: apiError(429) }]);
    const error: unknown = await aiSdkExecutor({ model, settings: { maxRetries: 1 } })
      .apply(runPrimitive([promptInput('Hi')]), createRunHarness().ctx)
      .catch((e: unknown) => e);
    expect(model.doStreamCalls).toHaveLength(2);
    expect(error).toMatchObject({ causeCode: 'llm_failure', retryable: true });
  });

  it('maps an error streamed in the middle of a reply to a retryable llm_failure', async () => {
    const error = await failure([
      () =>
        Promise.resolve({
          stream: new ReadableStream<LanguageModelV3StreamPart>({
            start(controller) {
              controller.enqueue({ type: 'text-start', id: 't' });
              controller.enqueue({ type: 'text-delta', id: 't', delta: 'Hel' });
              controller.enqueue({ type: 'error', error: apiError(502) });
              controller.close();
            },
          }),
        }),
    ]);
    expect(error).toMatchObject({ causeCode: 'llm_failure', retryable: true });
  });

  it('refuses a transcript that is not made of model messages, without retry', async () => {
    const model = scriptedModel([{ text: 'never' }]);
    const harness = createRunHarness([{ role: 'user', content: 'ok' }, { said: 'not a message' }]);
    const error: unknown = await aiSdkExecutor({ model })
      .apply(runPrimitive([promptInput('Hi')]), harness.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ causeCode: 'executor_error', retryable: false });
    expect((error as Error).message).toContain('transcript entry 1');
    expect(model.doStreamCalls).toHaveLength(0);
  });
});

describe('aiSdkExecutor: tool errors', () => {
  const call = { toolCalls: [{ toolName: 'flaky', input: {} }] };

  it('reports an ordinary tool throw to the model, which can recover', async () => {
    const flaky = tool({
      inputSchema: z.object({}),
      execute: (): string => {
        throw new Error('disk full');
      },
    });
    const model = scriptedModel([call, { text: 'The tool failed, sorry.' }]);
    const harness = createRunHarness();
    const result = await aiSdkExecutor({ model, tools: { flaky } }).apply(
      runPrimitive([promptInput('Hi')]),
      harness.ctx,
    );
    expect(result).toMatchObject({ status: 'completed', output: 'The tool failed, sorry.' });
    expect(result.append?.[2]).toMatchObject({
      role: 'tool',
      content: [{ output: { type: 'error-text', value: 'disk full' } }],
    });
    expect(promptText(model, 1)).toContain('disk full');
    expect(harness.emitted).toContainEqual({
      type: 'tool_result',
      toolCallId: 'call-1-0',
      toolName: 'flaky',
      result: { error: 'disk full' },
    });
  });

  it('fails the turn with tool_failure when a tool throws FatalToolError', async () => {
    const flaky = tool({
      inputSchema: z.object({}),
      execute: (): Promise<string> =>
        Promise.reject(new FatalToolError('credentials revoked', { retryable: false })),
    });
    const error = await failure([call, { text: 'never' }], { tools: { flaky } });
    expect(error).toMatchObject({ causeCode: 'tool_failure', retryable: false });
    expect(error.message).toBe('tool flaky failed: credentials revoked');
  });

  it("fails the turn on any tool throw under toolErrors: 'fail'", async () => {
    const flaky = tool({
      inputSchema: z.object({}),
      execute: (): Promise<string> => Promise.reject(new Error('disk full')),
    });
    const error = await failure([call], { tools: { flaky }, toolErrors: 'fail' });
    expect(error).toMatchObject({ causeCode: 'tool_failure', retryable: true });
  });

  it('passes through an ExecutorError a tool throws, with its own cause', async () => {
    const flaky = tool({
      inputSchema: z.object({}),
      execute: (): Promise<string> =>
        Promise.reject(new ExecutorError('budget_exhausted', 'no credits', { retryable: false })),
    });
    const error = await failure([call], { tools: { flaky } });
    expect(error).toMatchObject({ causeCode: 'budget_exhausted', retryable: false });
  });

  it('aborts the sibling tools of a tool that fails the turn', async () => {
    let siblingSignal: AbortSignal | undefined;
    const fatal = tool({
      inputSchema: z.object({}),
      execute: (): Promise<string> => Promise.reject(new FatalToolError('boom')),
    });
    const slow = tool({
      inputSchema: z.object({}),
      execute: (_input, { abortSignal }): Promise<string> => {
        siblingSignal = abortSignal;
        return new Promise(() => undefined);
      },
    });
    const error = await failure(
      [
        {
          toolCalls: [
            { toolName: 'slow', input: {} },
            { toolName: 'fatal', input: {} },
          ],
        },
      ],
      { tools: { slow, fatal } },
    );
    expect(error.causeCode).toBe('tool_failure');
    expect(siblingSignal?.aborted).toBe(true);
  });
});
