import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { closeToolCalls, TurnTranscript, unansweredToolCalls } from './turn-transcript.js';

const call = (id: string) => ({
  type: 'tool-call' as const,
  toolCallId: id,
  toolName: 't',
  input: {},
});
const result = (id: string) => ({
  type: 'tool-result' as const,
  toolCallId: id,
  toolName: 't',
  output: { type: 'text' as const, value: 'ok' },
});

describe('turn transcript', () => {
  it('finds tool calls without results, ignoring provider-executed ones', () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: [call('a'), call('b'), { ...call('p'), providerExecuted: true }],
      },
      { role: 'tool', content: [result('a')] },
    ];
    expect(unansweredToolCalls(messages)).toEqual([
      { messageIndex: 1, toolCallId: 'b', toolName: 't' },
    ]);
  });

  it('closes every open call right after its assistant message, adding a tool message if needed', () => {
    const messages: ModelMessage[] = [
      { role: 'assistant', content: [call('a'), call('b')] },
      { role: 'tool', content: [result('a')] },
      { role: 'user', content: 'steer' },
      { role: 'assistant', content: [call('c')] },
    ];
    closeToolCalls(messages, 'cancelled: stop');
    expect(unansweredToolCalls(messages)).toEqual([]);
    expect(messages.map((m) => m.role)).toEqual(['assistant', 'tool', 'user', 'assistant', 'tool']);
    expect(messages[1]).toEqual({
      role: 'tool',
      content: [
        result('a'),
        {
          type: 'tool-result',
          toolCallId: 'b',
          toolName: 't',
          output: { type: 'error-text', value: 'cancelled: stop' },
        },
      ],
    });
  });

  it('merges tool results into the trailing tool message and serialises to plain JSON', () => {
    const transcript = new TurnTranscript();
    // What the SDK hands back: optional fields present with the value undefined.
    const fromSdk = {
      role: 'assistant',
      content: [call('a'), call('b')],
      providerOptions: undefined,
    };
    transcript.add(fromSdk as unknown as ModelMessage);
    transcript.addToolResults([result('a')]);
    transcript.addToolResults([result('b')]);
    transcript.addToolResults([]);
    expect(transcript.toAppend()).toEqual([
      { role: 'assistant', content: [call('a'), call('b')] },
      { role: 'tool', content: [result('a'), result('b')] },
    ]);
  });
});
