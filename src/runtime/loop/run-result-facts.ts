// What a run's result says besides its messages and output: the tool call outcomes and the token
// usage, each checked before it is stored.

import type { ToolCallRecord } from '../../core/runtime-event.js';
import type { TokenUsage } from '../../core/turn/verdict.js';
import type { RunResult } from '../executor.js';
import { TOOL_CALL_OUTCOMES } from '../executor.js';

/** The tool call outcomes of a result, when the executor reported well-formed ones. */
export function toolCallsOf(result: RunResult | null): { toolCalls?: ToolCallRecord[] } {
  const reported: unknown = result?.toolCalls;
  if (!Array.isArray(reported) || reported.length === 0) return {};
  const clean = (reported as unknown[]).filter(
    (c): c is ToolCallRecord =>
      typeof c === 'object' &&
      c !== null &&
      typeof (c as ToolCallRecord).toolCallId === 'string' &&
      typeof (c as ToolCallRecord).toolName === 'string' &&
      (TOOL_CALL_OUTCOMES as readonly string[]).includes((c as ToolCallRecord).outcome),
  );
  return clean.length === 0
    ? {}
    : {
        toolCalls: clean.map(({ toolCallId, toolName, outcome }) => ({
          toolCallId,
          toolName,
          outcome,
        })),
      };
}

/** The token usage of a result, when the executor reported whole non-negative numbers. */
export function usageOf(result: RunResult): { usage?: TokenUsage } {
  const usage = result.usage;
  if (usage === undefined) return {};
  const pick = (value: unknown): value is number =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0;
  const clean = {
    ...(pick(usage.inputTokens) ? { inputTokens: usage.inputTokens } : {}),
    ...(pick(usage.outputTokens) ? { outputTokens: usage.outputTokens } : {}),
    ...(pick(usage.totalTokens) ? { totalTokens: usage.totalTokens } : {}),
  };
  return Object.keys(clean).length === 0 ? {} : { usage: clean };
}
