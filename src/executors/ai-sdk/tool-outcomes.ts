// The recorded end of each tool call of a turn (issue 12): completed, failed, denied, cancelled before
// it started, or cancelled while it ran.

import type { ToolResultPart } from 'ai';
import type { ToolCallOutcome, ToolCallOutcomeKind } from '../../runtime/executor.js';
import type { ToolCallToRun } from './run-tools.js';

/** The outcomes of one turn's tool calls, in the order they ended. */
export class ToolOutcomes {
  readonly #ended = new Map<string, ToolCallOutcome>();
  readonly #running = new Map<string, ToolCallToRun>();

  /** The calls now running (a cancel ends them `cancelled_while_running`). */
  started(calls: readonly ToolCallToRun[]): void {
    for (const call of calls) this.#running.set(call.toolCallId, call);
  }

  /** Records the calls that finished, from their result parts (`error-text`: failed). */
  finished(results: readonly ToolResultPart[]): void {
    for (const part of results) {
      this.end(
        { toolCallId: part.toolCallId, toolName: part.toolName, input: null },
        part.output.type === 'error-text' ? 'failed' : 'completed',
      );
    }
  }

  /** Records one call's end (the first record of a call wins). */
  end(
    call: Pick<ToolCallToRun, 'toolCallId' | 'toolName'> & { input: unknown },
    outcome: ToolCallOutcomeKind,
  ): void {
    this.#running.delete(call.toolCallId);
    if (this.#ended.has(call.toolCallId)) return;
    this.#ended.set(call.toolCallId, {
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      outcome,
    });
  }

  /** True when the call was started and has not ended. */
  isRunning(toolCallId: string): boolean {
    return this.#running.has(toolCallId);
  }

  /** Ends every call still running as `cancelled_while_running`, and `others` as `cancelled_before_start`. */
  cancel(others: readonly Pick<ToolCallToRun, 'toolCallId' | 'toolName'>[]): void {
    for (const call of this.#running.values()) this.end(call, 'cancelled_while_running');
    for (const call of others) this.end({ ...call, input: null }, 'cancelled_before_start');
  }

  /** Every recorded outcome. */
  toList(): ToolCallOutcome[] {
    return [...this.#ended.values()];
  }
}
