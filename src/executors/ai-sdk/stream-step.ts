// One step of a turn: one streaming model call, its progress emitted live, its messages collected.

import {
  streamText,
  type AssistantContent,
  type CallSettings,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  type ToolCallPart,
  type ToolSet,
} from 'ai';
import type { RunProgress } from '../../runtime/executor.js';
import type { ToolCallToRun } from './run-tools.js';
import { abortReason, raceAbort } from './race-abort.js';
import { toJsonValue } from './to-json.js';

/** Options forwarded to every model call (the run's signal is added by the executor). */
export type ModelCallSettings = Omit<CallSettings, 'abortSignal'>;

/** Provider-specific options of a model call (`{ openai: { ... } }`). */
export type ModelProviderOptions = NonNullable<Parameters<typeof streamText>[0]['providerOptions']>;

/** What one model call needs. */
export interface StepCall {
  readonly model: LanguageModel;
  readonly system: string | undefined;
  readonly messages: ModelMessage[];
  /** Tool declarations for the model: the executor's tools with `execute` removed. */
  readonly tools: ToolSet;
  readonly signal: AbortSignal;
  readonly emit: (progress: RunProgress) => void;
  readonly settings: ModelCallSettings;
  readonly providerOptions: ModelProviderOptions | undefined;
}

/**
 * How a step ended. `finished`: the SDK's response messages (assistant, and a tool message for
 * calls the SDK rejected as invalid), the client tool calls to run, and whether the model asked
 * for tools at all. `aborted`: the run's signal fired; `messages` holds what streamed so far (text
 * and complete tool calls), which the caller closes.
 */
export type StepOutcome =
  | {
      readonly status: 'finished';
      readonly messages: ModelMessage[];
      readonly toolCalls: ToolCallToRun[];
      readonly askedForTools: boolean;
      readonly text: string;
      readonly usage: LanguageModelUsage | undefined;
    }
  | { readonly status: 'aborted'; readonly messages: ModelMessage[] };

/**
 * Streams one model call. Text deltas, tool calls and SDK-side tool errors are emitted as they
 * arrive. Every read races the run's signal, so a provider that ignores the abort cannot hold the
 * turn. A provider error (streamed or thrown) is rethrown for the caller to map.
 */
export async function streamStep(call: StepCall): Promise<StepOutcome> {
  const result = streamText({
    ...call.settings,
    model: call.model,
    ...(call.system === undefined ? {} : { system: call.system }),
    messages: call.messages,
    tools: call.tools,
    abortSignal: call.signal,
    ...(call.providerOptions === undefined ? {} : { providerOptions: call.providerOptions }),
    // Errors reach us as stream parts; the SDK's default handler would also print them.
    onError: () => undefined,
  });
  const reader = result.fullStream.getReader();
  let text = '';
  const calls: ToolCallPart[] = [];
  const toRun: ToolCallToRun[] = [];
  let askedForTools = false;
  let usage: LanguageModelUsage | undefined;
  try {
    for (;;) {
      const next = await raceAbort(reader.read(), call.signal);
      if (next.done) break;
      const part = next.value;
      switch (part.type) {
        case 'text-delta':
          text += part.text;
          call.emit({ type: 'text_delta', text: part.text });
          break;
        case 'tool-call': {
          const args = toJsonValue(part.input);
          call.emit({
            type: 'tool_call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            args,
          });
          if (part.providerExecuted === true) break;
          askedForTools = true;
          calls.push({
            type: 'tool-call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: args,
          });
          if (part.invalid !== true) {
            toRun.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
          }
          break;
        }
        case 'tool-result':
          call.emit({
            type: 'tool_result',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            result: toJsonValue(part.output),
          });
          break;
        case 'tool-error':
          call.emit({
            type: 'tool_result',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            result: { error: toJsonValue(errorText(part.error)) },
          });
          break;
        case 'finish-step':
          usage = part.usage;
          break;
        case 'error':
          throw part.error;
        case 'abort':
          throw abortReason(call.signal);
        default:
          break;
      }
    }
    const response = await raceAbort(result.response, call.signal);
    return {
      status: 'finished',
      messages: response.messages,
      toolCalls: toRun,
      askedForTools,
      text,
      usage,
    };
  } catch (e: unknown) {
    // Fire-and-forget: release the stream (and its HTTP connection) without waiting on it.
    void reader.cancel(e).catch(() => undefined);
    if (!call.signal.aborted) throw e;
    const content: Exclude<AssistantContent, string> =
      text === '' ? calls : [{ type: 'text', text }, ...calls];
    return {
      status: 'aborted',
      messages: content.length === 0 ? [] : [{ role: 'assistant', content }],
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
