import { tool, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunResult } from '../../runtime/executor.js';
import { aiSdkExecutor } from './ai-sdk-executor.js';
import { parseHistory } from './parse-history.js';
import { promptText, scriptedModel } from './scripted-model.test-support.js';
import { createRunHarness, promptInput, runPrimitive } from './test-harness.test-support.js';
import { unansweredToolCalls } from './turn-transcript.js';

const weather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 21 }),
});

const noRetries = { maxRetries: 0 };

/** The append of a result, checked to be valid model messages with every tool call answered. */
function appendOf(result: RunResult): ModelMessage[] {
  const messages = parseHistory([...(result.append ?? [])]);
  expect(unansweredToolCalls(messages)).toEqual([]);
  return messages;
}

describe('aiSdkExecutor: steps and boundaries', () => {
  it('runs a multi-step turn: a tool round, then the answer, with progress and summed usage', async () => {
    const model = scriptedModel([
      {
        text: 'Let me check.',
        toolCalls: [{ toolName: 'weather', input: { city: 'Paris' } }],
        usage: { input: 10, output: 5 },
      },
      { text: ['It is ', '21°C in Paris.'], usage: { input: 30, output: 7 } },
    ]);
    const harness = createRunHarness();
    const executor = aiSdkExecutor({ model, tools: { weather }, settings: noRetries });
    const result = await executor.apply(
      runPrimitive([promptInput('Weather in Paris?')]),
      harness.ctx,
    );

    expect(result).toMatchObject({ status: 'completed', output: 'It is 21°C in Paris.' });
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 12, totalTokens: 52 });
    expect(appendOf(result).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(result.append?.[2]).toMatchObject({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolName: 'weather',
          output: { type: 'json', value: { city: 'Paris', celsius: 21 } },
        },
      ],
    });
    expect(promptText(model, 1)).toContain('"celsius":21');
    expect(harness.boundaries).toBe(1);
    expect(harness.emitted.map((p) => p.type)).toEqual([
      'step',
      'text_delta',
      'tool_call',
      'tool_result',
      'step',
      'text_delta',
      'text_delta',
    ]);
    expect(harness.emitted[2]).toEqual({
      type: 'tool_call',
      toolCallId: 'call-1-0',
      toolName: 'weather',
      args: { city: 'Paris' },
    });
  });

  it('adds a steer input that arrives mid-turn to the next model call and to the transcript', async () => {
    const harness = createRunHarness();
    const slowWeather = tool({
      inputSchema: z.object({ city: z.string() }),
      execute: ({ city }) => {
        // The user changes their mind while the tool runs.
        harness.steer(promptInput('Actually, use Fahrenheit.'));
        return { city, celsius: 21 };
      },
    });
    const model = scriptedModel([
      { toolCalls: [{ toolName: 'weather', input: { city: 'Paris' } }] },
      { text: 'It is 70°F in Paris.' },
    ]);
    const executor = aiSdkExecutor({ model, tools: { weather: slowWeather }, settings: noRetries });
    const result = await executor.apply(
      runPrimitive([promptInput('Weather in Paris?')]),
      harness.ctx,
    );

    expect(result.status).toBe('completed');
    expect(promptText(model, 0)).not.toContain('Fahrenheit');
    expect(promptText(model, 1)).toContain('Actually, use Fahrenheit.');
    const messages = appendOf(result);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user', 'assistant']);
    expect(messages[3]).toEqual({ role: 'user', content: 'Actually, use Fahrenheit.' });
  });

  it('stops cleanly after the current step when the boundary says stop', async () => {
    const model = scriptedModel([
      {
        toolCalls: [{ toolName: 'weather', input: { city: 'Oslo' } }],
        usage: { input: 3, output: 2 },
      },
      { text: 'never reached' },
    ]);
    const harness = createRunHarness();
    harness.stopAtNextBoundary();
    const executor = aiSdkExecutor({ model, tools: { weather }, settings: noRetries });
    const result = await executor.apply(
      runPrimitive([promptInput('Weather in Oslo?')]),
      harness.ctx,
    );

    expect(result.status).toBe('cancelled');
    expect(model.doStreamCalls).toHaveLength(1);
    expect(result.usage).toEqual({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    const messages = appendOf(result);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(messages[2]).toMatchObject({ content: [{ output: { type: 'json' } }] });
  });

  it('does not call boundary after a step without tool calls: the answer ends the turn', async () => {
    const model = scriptedModel([{ text: 'Hello!' }]);
    const harness = createRunHarness();
    const result = await aiSdkExecutor({ model }).apply(
      runPrimitive([promptInput('Hi')]),
      harness.ctx,
    );
    expect(result).toMatchObject({ status: 'completed', output: 'Hello!' });
    expect(harness.boundaries).toBe(0);
    expect(result.usage).toBeUndefined();
  });

  it('completes with a valid transcript when maxSteps runs out in a tool loop', async () => {
    const call = { toolCalls: [{ toolName: 'weather', input: { city: 'Rome' } }] };
    const model = scriptedModel([call, call, call]);
    const harness = createRunHarness();
    const executor = aiSdkExecutor({ model, tools: { weather }, maxSteps: 2, settings: noRetries });
    const result = await executor.apply(runPrimitive([promptInput('Loop')]), harness.ctx);

    expect(result).toMatchObject({ status: 'completed', output: '' });
    expect(model.doStreamCalls).toHaveLength(2);
    expect(harness.boundaries).toBe(1);
    expect(appendOf(result).map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
    ]);
  });

  it('answers a call to an unknown tool with an error result and lets the model go on', async () => {
    const model = scriptedModel([
      { toolCalls: [{ toolName: 'teleport', input: { to: 'Mars' } }] },
      { text: 'I cannot teleport.' },
    ]);
    const harness = createRunHarness();
    const executor = aiSdkExecutor({ model, tools: { weather }, settings: noRetries });
    const result = await executor.apply(runPrimitive([promptInput('Go')]), harness.ctx);

    expect(result).toMatchObject({ status: 'completed', output: 'I cannot teleport.' });
    const messages = appendOf(result);
    expect(messages[2]).toMatchObject({ role: 'tool', content: [{ toolName: 'teleport' }] });
    expect(promptText(model, 1)).toContain('teleport');
  });

  it('sends the committed history first and appends the turn instructions to the system prompt', async () => {
    const model = scriptedModel([{ text: 'Again: hello.' }]);
    const harness = createRunHarness([
      { role: 'user', content: 'Say hello' },
      { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
    ]);
    const executor = aiSdkExecutor({ model, system: 'Be brief.' });
    const run = runPrimitive([promptInput('Once more')], {
      metadata: { instructions: 'Answer in English.', values: {} },
    });
    const result = await executor.apply(run, harness.ctx);

    expect(result.status).toBe('completed');
    const prompt = model.doStreamCalls[0]!.prompt;
    expect(prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(prompt[0]).toEqual({ role: 'system', content: 'Be brief.\n\nAnswer in English.' });
    expect(appendOf(result).map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('offers only the tools named in the turn metadata', async () => {
    const model = scriptedModel([{ text: 'ok' }]);
    const clock = tool({ inputSchema: z.object({}), execute: () => 'noon' });
    const executor = aiSdkExecutor({ model, tools: { weather, clock } });
    const run = runPrimitive([promptInput('Time?')], {
      metadata: { tools: ['clock'], values: {} },
    });
    await executor.apply(run, createRunHarness().ctx);
    expect(model.doStreamCalls[0]!.tools?.map((t) => t.name)).toEqual(['clock']);
  });

  it('refuses bad options: maxSteps below one; takes tools that need approval', () => {
    const model = scriptedModel([]);
    expect(() => aiSdkExecutor({ model, maxSteps: 0 })).toThrow(/maxSteps/);
    const guarded = tool({ inputSchema: z.object({}), needsApproval: true, execute: () => 'done' });
    expect(() => aiSdkExecutor({ model, tools: { guarded } })).not.toThrow();
  });
});
