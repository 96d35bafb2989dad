// A scripted AI SDK mock model for executor tests: replies, tool calls, gates, hangs and errors.

import type {
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import type { JsonValue } from '../../core/json.js';

/** One scripted model reply, streamed as text deltas, then tool calls, then a finish. */
export interface ScriptedReply {
  /** Text, streamed as one delta per array item. */
  readonly text?: string | readonly string[];
  readonly toolCalls?: readonly {
    readonly toolCallId?: string;
    readonly toolName: string;
    readonly input: JsonValue;
  }[];
  readonly usage?: { readonly input: number; readonly output: number };
  /** Waits for this promise after the text and before the tool calls (a gate the test opens). */
  readonly gate?: Promise<void>;
  /** After the text, never finish: error the stream on abort (`honour-signal`) or not at all. */
  readonly hang?: 'honour-signal' | 'ignore-signal';
}

/** One model call of the script: a reply, an error thrown by the call, or a hand-written stream. */
export type ScriptedCall =
  | ScriptedReply
  | { readonly error: unknown }
  | ((options: LanguageModelV3CallOptions) => PromiseLike<LanguageModelV3StreamResult>);

/**
 * A `MockLanguageModelV3` that answers its n-th `doStream` call with `script[n]` (and fails the
 * call past the end of the script). `doStreamCalls` records every prompt the model received.
 */
export function scriptedModel(script: readonly ScriptedCall[]): MockLanguageModelV3 {
  let calls = 0;
  return new MockLanguageModelV3({
    doStream: (options) => {
      const step = script[calls];
      calls += 1;
      if (step === undefined) return Promise.reject(new Error(`script has no model call ${calls}`));
      if (typeof step === 'function') return step(options);
      if ('error' in step) return Promise.reject(toRejection(step.error));
      return Promise.resolve({ stream: replyStream(step, options.abortSignal, calls) });
    },
  });
}

/** Everything the model was sent in call `index`, as one string (for `toContain` checks). */
export function promptText(model: MockLanguageModelV3, index: number): string {
  const call = model.doStreamCalls[index];
  if (call === undefined)
    throw new Error(`the model was called ${model.doStreamCalls.length} times`);
  return JSON.stringify(call.prompt);
}

function replyStream(
  reply: ScriptedReply,
  signal: AbortSignal | undefined,
  callNumber: number,
): ReadableStream<LanguageModelV3StreamPart> {
  const deltas = typeof reply.text === 'string' ? [reply.text] : (reply.text ?? []);
  return new ReadableStream<LanguageModelV3StreamPart>({
    async start(controller) {
      controller.enqueue({ type: 'stream-start', warnings: [] });
      if (deltas.length > 0) {
        controller.enqueue({ type: 'text-start', id: 't' });
        for (const delta of deltas) controller.enqueue({ type: 'text-delta', id: 't', delta });
        controller.enqueue({ type: 'text-end', id: 't' });
      }
      if (reply.gate !== undefined) await reply.gate;
      if (reply.hang === 'ignore-signal') return;
      if (reply.hang === 'honour-signal') {
        signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
        return;
      }
      for (const [index, call] of (reply.toolCalls ?? []).entries()) {
        controller.enqueue({
          type: 'tool-call',
          toolCallId: call.toolCallId ?? `call-${callNumber}-${index}`,
          toolName: call.toolName,
          input: JSON.stringify(call.input),
        });
      }
      const input = reply.usage?.input;
      const output = reply.usage?.output;
      controller.enqueue({
        type: 'finish',
        finishReason: { unified: reply.toolCalls?.length ? 'tool-calls' : 'stop', raw: undefined },
        usage: {
          inputTokens: {
            total: input,
            noCache: input,
            cacheRead: undefined,
            cacheWrite: undefined,
          },
          outputTokens: { total: output, text: output, reasoning: undefined },
        },
      });
      controller.close();
    },
  });
}

function toRejection(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
