// The messages one turn adds to the transcript, and closing them so every tool call has a result.

import type { ModelMessage, ToolCallPart, ToolModelMessage, ToolResultPart } from 'ai';
import type { JsonValue } from '../../core/json.js';
import { toJsonValue } from './to-json.js';

/** A tool call in the transcript that no tool result answers. */
export interface UnansweredToolCall {
  /** Index of the assistant message that made the call. */
  readonly messageIndex: number;
  readonly toolCallId: string;
  readonly toolName: string;
}

/**
 * The new messages of one turn, in order: rendered inputs, assistant messages, tool messages and
 * injected steer inputs. `history + messages` is always the conversation the next model call sees.
 */
export class TurnTranscript {
  readonly messages: ModelMessage[] = [];

  /** Adds messages at the end. */
  add(...messages: readonly ModelMessage[]): void {
    this.messages.push(...messages);
  }

  /**
   * Adds tool results after the assistant message that asked for them: into the trailing tool
   * message when there is one (the SDK already put results for invalid calls there), else a new one.
   */
  addToolResults(results: readonly ToolResultPart[]): void {
    if (results.length === 0) return;
    const last = this.messages.at(-1);
    if (last?.role === 'tool') last.content.push(...results);
    else this.messages.push({ role: 'tool', content: [...results] });
  }

  /**
   * Gives every unanswered tool call a synthetic error result (`cancelled: <reason>`), placed in
   * the tool message right after its assistant message, so providers accept the conversation.
   */
  close(reason: string): void {
    closeToolCalls(this.messages, `cancelled: ${reason}`);
  }

  /** The messages as plain JSON, ready for `RunResult.append`. */
  toAppend(): JsonValue[] {
    return this.messages.map((message) => toJsonValue(message));
  }
}

/** The tool calls in `messages` that have no tool result (provider-executed results count). */
export function unansweredToolCalls(messages: readonly ModelMessage[]): UnansweredToolCall[] {
  const answered = new Set<string>();
  for (const message of messages) {
    if (message.role !== 'tool' && message.role !== 'assistant') continue;
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'tool-result') answered.add(part.toolCallId);
    }
  }
  const unanswered: UnansweredToolCall[] = [];
  messages.forEach((message, messageIndex) => {
    for (const call of toolCalls(message)) {
      if (!answered.has(call.toolCallId)) {
        unanswered.push({ messageIndex, toolCallId: call.toolCallId, toolName: call.toolName });
      }
    }
  });
  return unanswered;
}

/**
 * Answers every unanswered tool call in `messages` (mutated in place) with an `error-text`
 * result carrying `text`, in the tool message that follows the call's assistant message.
 */
export function closeToolCalls(messages: ModelMessage[], text: string): void {
  // Walk backwards so inserting a tool message does not shift the indexes still to visit.
  const unanswered = unansweredToolCalls(messages);
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const missing = unanswered.filter((call) => call.messageIndex === index);
    if (missing.length === 0) continue;
    const parts: ToolResultPart[] = missing.map((call) => ({
      type: 'tool-result',
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: { type: 'error-text', value: text },
    }));
    const next = messages[index + 1];
    if (next?.role === 'tool') next.content.push(...parts);
    else messages.splice(index + 1, 0, { role: 'tool', content: parts } satisfies ToolModelMessage);
  }
}

function toolCalls(message: ModelMessage): ToolCallPart[] {
  if (message.role !== 'assistant' || typeof message.content === 'string') return [];
  return message.content.filter(
    (part): part is ToolCallPart => part.type === 'tool-call' && part.providerExecuted !== true,
  );
}
