// The events a turn's end records, and the output its inputs settle with when it waits for approvals.

import type { PendingApproval } from '../approvals.js';
import type { JsonValue } from '../json.js';
import type { RuntimeEventData } from '../runtime-event.js';

type TurnEventType = 'run.completed' | 'run.failed' | 'run.cancelled' | 'approval.requested';

/** An event the end of a turn records. */
export type TurnEvent = {
  [T in TurnEventType]: { readonly type: T; readonly data: RuntimeEventData[T] };
}[TurnEventType];

/** The output inputs settle with when the turn waits for approvals: what each approval binds to. */
export function approvalOutput(requested: readonly PendingApproval[]): JsonValue {
  return {
    status: 'awaiting_approval',
    approvals: requested.map((a) => ({
      approvalId: a.approvalId,
      toolCallId: a.toolCallId,
      toolName: a.toolName,
      callHash: a.callHash,
      expiresAt: a.expiresAt,
    })),
  };
}

/** The `approval.requested` event of each requested approval. */
export function approvalEvents(runId: string, requested: readonly PendingApproval[]): TurnEvent[] {
  return requested.map((a) => ({
    type: 'approval.requested',
    data: {
      approvalId: a.approvalId,
      runId,
      toolCallId: a.toolCallId,
      toolName: a.toolName,
      callHash: a.callHash,
      expiresAt: a.expiresAt,
    },
  }));
}
