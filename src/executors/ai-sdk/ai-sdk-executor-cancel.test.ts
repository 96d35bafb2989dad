import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { tool, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunResult } from '../../runtime/executor.js';
import { aiSdkExecutor } from './ai-sdk-executor.js';
import { parseHistory } from './parse-history.js';
import { promptText, scriptedModel } from './scripted-model.test-support.js';
import {
  createRunHarness,
  deferred,
  promptInput,
  runPrimitive,
} from './test-harness.test-support.js';
import { unansweredToolCalls } from './turn-transcript.js';

const noRetries = { maxRetries: 0 };

function appendOf(result: RunResult): ModelMessage[] {
  const messages = parseHistory([...(result.append ?? [])]);
  expect(unansweredToolCalls(messages)).toEqual([]);
  return messages;
}

/** A tool that signals when it starts, then waits for its abort signal (or forever). */
function slowTool(options: { honourSignal: boolean }) {
  const started = deferred();
  const seen: { reason?: unknown } = {};
  const slow = tool({
    inputSchema: z.object({}),
    execute: (_input, { abortSignal }) => {
      started.resolve();
      return new Promise<string>((_resolve, reject) => {
        if (!options.honourSignal) return;
        abortSignal?.addEventListener('abort', () => {
          seen.reason = abortSignal.reason;
          reject(new Error('tool aborted'));
        });
      });
    },
  });
  return { slow, started: started.promise, seen };
}

describe('aiSdkExecutor: hard cancel', () => {
  it('aborts a slow tool through its abortSignal and closes the transcript', async () => {
    const { slow, started, seen } = slowTool({ honourSignal: true });
    const model = scriptedModel([{ toolCalls: [{ toolName: 'slow', input: {} }] }]);
    const harness = createRunHarness();
    const turn = aiSdkExecutor({ model, tools: { slow }, settings: noRetries }).apply(
      runPrimitive([promptInput('Go slow')]),
      harness.ctx,
    );
    await started;
    harness.abort('interrupted by operator');
    const result = await turn;

    expect(result.status).toBe('cancelled');
    expect(seen.reason).toBe('interrupted by operator');
    const messages = appendOf(result);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(messages[2]).toMatchObject({
      content: [{ output: { type: 'error-text', value: 'cancelled: interrupted by operator' } }],
    });
  });

  it('returns without waiting for a tool that ignores its signal', async () => {
    const { slow, started } = slowTool({ honourSignal: false });
    const model = scriptedModel([{ toolCalls: [{ toolName: 'slow', input: {} }] }]);
    const harness = createRunHarness();
    const turn = aiSdkExecutor({ model, tools: { slow }, settings: noRetries }).apply(
      runPrimitive([promptInput('Go slow')]),
      harness.ctx,
    );
    await started;
    harness.abort(new Error('unregistered'));
    const result = await turn; // the tool never settles: only the race can end the turn
    expect(result.status).toBe('cancelled');
    expect(appendOf(result)[2]).toMatchObject({
      content: [{ output: { type: 'error-text', value: 'cancelled: unregistered' } }],
    });
  });

  it('keeps the results of tools that finished before the abort', async () => {
    const { slow, started } = slowTool({ honourSignal: true });
    const quick = tool({ inputSchema: z.object({}), execute: () => 'quick done' });
    const model = scriptedModel([
      {
        toolCalls: [
          { toolName: 'quick', input: {} },
          { toolName: 'slow', input: {} },
        ],
      },
    ]);
    const harness = createRunHarness();
    const turn = aiSdkExecutor({ model, tools: { slow, quick }, settings: noRetries }).apply(
      runPrimitive([promptInput('Both')]),
      harness.ctx,
    );
    await started;
    await harness.untilEmitted((p) => p.type === 'tool_result' && p.toolName === 'quick');
    harness.abort('stop');
    const messages = appendOf(await turn);
    expect(messages[2]).toMatchObject({
      role: 'tool',
      content: [
        { toolName: 'quick', output: { type: 'text', value: 'quick done' } },
        { toolName: 'slow', output: { type: 'error-text', value: 'cancelled: stop' } },
      ],
    });
  });

  it.each(['honour-signal', 'ignore-signal'] as const)(
    'keeps the text streamed so far when the model call is aborted (%s)',
    async (hang) => {
      const model = scriptedModel([{ text: ['Once ', 'upon'], hang }]);
      const harness = createRunHarness();
      const turn = aiSdkExecutor({ model, settings: noRetries }).apply(
        runPrimitive([promptInput('A story')]),
        harness.ctx,
      );
      await harness.untilEmitted((p) => p.type === 'text_delta' && p.text === 'upon');
      harness.abort('interrupted');
      const result = await turn;
      expect(result.status).toBe('cancelled');
      expect(appendOf(result)).toEqual([
        { role: 'user', content: 'A story' },
        { role: 'assistant', content: [{ type: 'text', text: 'Once upon' }] },
      ]);
    },
  );

  it('answers a tool call that streamed before the abort with a cancelled result', async () => {
    const open = deferred();
    const harness = createRunHarness();
    const model = scriptedModel([
      () =>
        Promise.resolve({
          stream: new ReadableStream<LanguageModelV3StreamPart>({
            async start(controller) {
              controller.enqueue({
                type: 'tool-call',
                toolCallId: 'c1',
                toolName: 'slow',
                input: '{}',
              });
              open.resolve();
              await new Promise(() => undefined); // the finish never comes
            },
          }),
        }),
    ]);
    const { slow } = slowTool({ honourSignal: true });
    const turn = aiSdkExecutor({ model, tools: { slow }, settings: noRetries }).apply(
      runPrimitive([promptInput('Go')]),
      harness.ctx,
    );
    await open.promise;
    await harness.untilEmitted((p) => p.type === 'tool_call');
    harness.abort('interrupted');
    const messages = appendOf(await turn);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(messages[2]).toMatchObject({
      content: [{ toolCallId: 'c1', output: { type: 'error-text' } }],
    });
  });

  it('treats an error thrown after the abort as a cancellation, not a failure', async () => {
    const harness = createRunHarness();
    const model = scriptedModel([
      (options) =>
        Promise.resolve({
          stream: new ReadableStream<LanguageModelV3StreamPart>({
            start(controller) {
              options.abortSignal?.addEventListener('abort', () =>
                controller.error(new Error('socket hang up')),
              );
              harness.abort('interrupted');
            },
          }),
        }),
    ]);
    const result = await aiSdkExecutor({ model, settings: noRetries }).apply(
      runPrimitive([promptInput('Hi')]),
      harness.ctx,
    );
    expect(result).toMatchObject({
      status: 'cancelled',
      append: [{ role: 'user', content: 'Hi' }],
    });
  });

  it('returns cancelled with the rendered inputs when the run is aborted before it starts', async () => {
    const model = scriptedModel([{ text: 'never' }]);
    const harness = createRunHarness();
    harness.abort('too late');
    const result = await aiSdkExecutor({ model }).apply(
      runPrimitive([promptInput('Hi')]),
      harness.ctx,
    );
    expect(result).toEqual({ status: 'cancelled', append: [{ role: 'user', content: 'Hi' }] });
    expect(model.doStreamCalls).toHaveLength(0);
  });
});

describe('aiSdkExecutor: a crash before the commit', () => {
  it('re-runs from the committed transcript without duplicating any message', async () => {
    const weather = tool({ inputSchema: z.object({ city: z.string() }), execute: () => 'sunny' });
    const script = () => [
      { toolCalls: [{ toolCallId: 'w1', toolName: 'weather', input: { city: 'Lima' } }] },
      { text: 'Sunny in Lima.' },
    ];
    const committed = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
    ];
    const run = runPrimitive([promptInput('Weather in Lima?')]);

    // First attempt: the turn runs, then the process dies before its append is committed.
    const first = scriptedModel(script());
    const lost = await aiSdkExecutor({ model: first, tools: { weather } }).apply(
      run,
      createRunHarness(structuredClone(committed)).ctx,
    );
    expect(lost.status).toBe('completed');

    // The re-run starts from the same committed transcript.
    const second = scriptedModel(script());
    const rerun = await aiSdkExecutor({ model: second, tools: { weather } }).apply(
      run,
      createRunHarness(structuredClone(committed)).ctx,
    );
    expect(promptText(second, 0)).toBe(promptText(first, 0));
    expect(promptText(second, 1)).toBe(promptText(first, 1));
    expect(rerun.append).toEqual(lost.append);

    // Committing the re-run gives exactly one copy of each message.
    const transcript = [...committed, ...(rerun.append ?? [])];
    expect(transcript.filter((m) => JSON.stringify(m).includes('Weather in Lima?'))).toHaveLength(
      1,
    );
    expect(unansweredToolCalls(parseHistory(transcript))).toEqual([]);
    const next = scriptedModel([{ text: 'You are welcome.' }]);
    await aiSdkExecutor({ model: next }).apply(
      runPrimitive([promptInput('Thanks')]),
      createRunHarness(transcript).ctx,
    );
    expect(next.doStreamCalls[0]!.prompt.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
  });
  it('re-runs a turn that crashed after its first model call from the committed transcript', async () => {
    const weather = tool({ inputSchema: z.object({ city: z.string() }), execute: () => 'rain' });
    const committed = [{ role: 'user', content: 'Hi' }];
    const run = runPrimitive([promptInput('Weather in Oslo?')]);
    const script = () => [
      { toolCalls: [{ toolCallId: 'w1', toolName: 'weather', input: { city: 'Oslo' } }] },
      { text: 'Rain in Oslo.' },
    ];

    // Attempt 1 dies after the first model call and its tool round: nothing is committed.
    const crashed = scriptedModel(script());
    const harness = createRunHarness(structuredClone(committed));
    const dying = {
      ...harness.ctx,
      boundary: () => Promise.reject(new Error('process crashed')),
    };
    const error: unknown = await aiSdkExecutor({ model: crashed, tools: { weather } })
      .apply(run, dying)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ causeCode: 'executor_error', message: 'process crashed' });
    expect(crashed.doStreamCalls).toHaveLength(1);

    // Attempt 2 starts from the same committed transcript and sees no trace of attempt 1.
    const retried = scriptedModel(script());
    const result = await aiSdkExecutor({ model: retried, tools: { weather } }).apply(
      { ...run, attempt: 2 },
      createRunHarness(structuredClone(committed)).ctx,
    );
    expect(promptText(retried, 0)).toBe(promptText(crashed, 0));
    const transcript = parseHistory([...committed, ...(result.append ?? [])]);
    expect(transcript.map((m) => m.role)).toEqual([
      'user',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(transcript.filter((m) => JSON.stringify(m).includes('Weather in Oslo?'))).toHaveLength(
      1,
    );
  });
});
