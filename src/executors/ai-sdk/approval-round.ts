// Tools with `needsApproval` (issue 12), mapped to the AI SDK's own message parts: a call that needs
// approval ends the turn with a `tool-approval-request` part next to its `tool-call`; the decision's
// turn opens with a tool message holding the `tool-approval-response` and the call's one result (the
// tool's output when approved, `execution-denied` when denied, an `error-text` when cancelled).

import { randomUUID } from 'node:crypto';
import type {
  ModelMessage,
  ToolApprovalRequest,
  ToolApprovalResponse,
  ToolModelMessage,
  ToolResultPart,
  ToolSet,
} from 'ai';
import type { JsonValue } from '../../core/json.js';
import type { ApprovalRequest, StagedInput } from '../../runtime/executor.js';
import type { ToolCallToRun } from './run-tools.js';
import { toJsonValue } from './to-json.js';

/** True when `call` needs a person's decision: the tool's `needsApproval`, a boolean or a function. */
export async function needsApproval(
  tools: ToolSet,
  call: ToolCallToRun,
  messages: ModelMessage[],
): Promise<boolean> {
  const rule = tools[call.toolName]?.needsApproval;
  if (rule === undefined || rule === false) return false;
  if (rule === true) return true;
  return await rule(call.input, { toolCallId: call.toolCallId, messages });
}

/**
 * Adds a `tool-approval-request` part for each call to the assistant message that made it (the last
 * one of `messages`) and returns the runtime's approval requests, with the same approval ids.
 */
export function requestApprovals(
  messages: ModelMessage[],
  calls: readonly ToolCallToRun[],
): ApprovalRequest[] {
  const assistant = messages.findLast((m) => m.role === 'assistant');
  const requests = calls.map((call) => ({
    approvalId: `approval-${randomUUID()}`,
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: toJsonValue(call.input),
  }));
  const parts = requests.map((r): ToolApprovalRequest => ({
    type: 'tool-approval-request',
    approvalId: r.approvalId,
    toolCallId: r.toolCallId,
  }));
  // The calls were made by this assistant message, so its content is a list of parts.
  if (assistant?.role === 'assistant' && typeof assistant.content !== 'string')
    assistant.content.push(...parts);
  return requests;
}

/** One decision the runtime handed to the turn. */
export interface Decision {
  readonly approvalId: string;
  readonly approved: boolean;
  readonly reason: string | undefined;
  readonly call: ToolCallToRun;
}

/** The decisions among a batch's inputs, in batch order. */
export function decisionsOf(inputs: readonly StagedInput[]): Decision[] {
  return inputs.flatMap((input): Decision[] => {
    const p = input.payload;
    if (p.kind !== 'approval_decision') return [];
    const text = (value: JsonValue | undefined): string =>
      typeof value === 'string' ? value : JSON.stringify(value ?? null);
    return [
      {
        approvalId: text(p['approvalId']),
        approved: p['decision'] === 'approve',
        reason: typeof p['reason'] === 'string' ? p['reason'] : undefined,
        call: {
          toolCallId: text(p['toolCallId']),
          toolName: text(p['toolName']),
          input: p['input'] ?? null,
        },
      },
    ];
  });
}

/**
 * The tool message that answers the decisions: every `tool-approval-response`, and a result for each
 * denied call (`execution-denied`). Approved calls get their result when their tools finish.
 */
export function decisionMessage(decisions: readonly Decision[]): ToolModelMessage {
  const responses = decisions.map((d): ToolApprovalResponse => ({
    type: 'tool-approval-response',
    approvalId: d.approvalId,
    approved: d.approved,
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
  }));
  const denials = decisions
    .filter((d) => !d.approved)
    .map((d): ToolResultPart => ({
      type: 'tool-result',
      toolCallId: d.call.toolCallId,
      toolName: d.call.toolName,
      output: {
        type: 'execution-denied',
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
      },
    }));
  return { role: 'tool', content: [...responses, ...denials] };
}

/** Gives each decided call still without a result in `message` an `error-text` result `text`. */
export function closeDecisions(
  message: ToolModelMessage,
  decisions: readonly Decision[],
  text: (call: ToolCallToRun) => string,
): void {
  const answered = new Set(
    message.content.flatMap((p) => (p.type === 'tool-result' ? [p.toolCallId] : [])),
  );
  for (const d of decisions) {
    if (answered.has(d.call.toolCallId)) continue;
    message.content.push({
      type: 'tool-result',
      toolCallId: d.call.toolCallId,
      toolName: d.call.toolName,
      output: { type: 'error-text', value: text(d.call) },
    });
  }
}
