// Reading the committed transcript back as AI SDK model messages, refusing anything else.

import { modelMessageSchema, type ModelMessage } from 'ai';
import type { JsonValue } from '../../core/json.js';
import { ExecutorError } from '../../runtime/executor-error.js';

/**
 * Checks every entry of the session's committed transcript against the AI SDK's message schema.
 * A transcript written by another executor (or edited by hand) cannot be sent to a model, and a
 * retry would fail the same way, so it fails the turn with a non-retryable `executor_error` that
 * names the first bad entry.
 */
export function parseHistory(history: readonly JsonValue[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const [index, entry] of history.entries()) {
    const parsed = modelMessageSchema.safeParse(entry);
    if (!parsed.success) {
      throw new ExecutorError(
        'executor_error',
        `transcript entry ${index} is not an AI SDK model message: ${parsed.error.message}`,
        { retryable: false },
      );
    }
    messages.push(parsed.data);
  }
  return messages;
}
