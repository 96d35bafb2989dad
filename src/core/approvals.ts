// Human approval of tool calls (issue 12): a pending approval, the decision input's payload, and the
// pure rules that bind a decision to the exact call it approves.
//
// A turn that ends `awaiting_approval` leaves one pending approval per call; they are stored with the
// session's lifecycle, in the same commit as the turn's receipt and transcript. A decision is an input
// of kind `approval_decision` whose idempotency key is `approval:<approvalId>`, so the ledger's
// identity rule makes the same decision twice `deduplicated` and a different one `idempotency_conflict`.

import { z } from 'zod';
import { jsonValue } from './json-schema.js';
import type { JsonValue } from './json.js';

/** A tool call waiting for a person's decision. */
export interface PendingApproval {
  readonly approvalId: string;
  /** The run that asked for it. */
  readonly runId: string;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: JsonValue;
  /** `sha256:<hex>` of the canonical JSON of `{ toolCallId, toolName, input }`: what a decision is bound to. */
  readonly callHash: string;
  readonly requestedAt: string;
  readonly expiresAt: string;
}

/** The stored shape of a pending approval (strict: unknown fields are refused). */
export const pendingApprovalSchema = z.strictObject({
  approvalId: z.string().min(1),
  runId: z.string().min(1),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  input: jsonValue,
  callHash: z.string().min(1),
  requestedAt: z.string().min(1),
  expiresAt: z.string().min(1),
});

/** What a person decides. */
export const APPROVAL_DECISIONS = ['approve', 'deny'] as const;
/** One of {@link APPROVAL_DECISIONS}. */
export type ApprovalDecisionKind = (typeof APPROVAL_DECISIONS)[number];

/** Why the runtime denied an approval by itself. */
export const SYSTEM_DENIAL_REASONS = ['expired', 'superseded'] as const;

/** A decision as a caller submits it: the approval, approve or deny, an optional reason, the hash reviewed. */
export const approvalDecisionSchema = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  reason: z.string().min(1).max(2000).optional(),
  callHash: z.string().min(1).max(200),
});
/** A decision as a caller submits it. */
export type ApprovalDecisionSubmission = z.infer<typeof approvalDecisionSchema>;

/** The payload of an `approval_decision` input as stored and shown (see {@link decisionPayload}). */
export const approvalDecisionPayloadSchema = z.strictObject({
  kind: z.literal('approval_decision'),
  approvalId: z.string().min(1),
  decision: z.enum(APPROVAL_DECISIONS),
  reason: z.string().min(1).optional(),
  callHash: z.string().min(1),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  input: jsonValue,
});

/** The idempotency key of every decision for `approvalId`: one decision per approval, ever. */
export function approvalKey(approvalId: string): string {
  return `approval:${approvalId}`;
}

/**
 * The payload of an `approval_decision` input: the decision, and the call it decides (copied from the
 * pending approval, so the executor can run or deny it without looking anything up).
 */
export function decisionPayload(
  approval: Pick<PendingApproval, 'approvalId' | 'toolCallId' | 'toolName' | 'input' | 'callHash'>,
  decision: ApprovalDecisionSubmission,
): {
  readonly kind: 'approval_decision';
  readonly [key: string]: JsonValue;
} {
  return {
    kind: 'approval_decision',
    approvalId: approval.approvalId,
    decision: decision.decision,
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
    callHash: decision.callHash,
    toolCallId: approval.toolCallId,
    toolName: approval.toolName,
    input: approval.input,
  };
}

/** The call a stored decision payload names (to compare a new decision with a decided one). */
export function decidedCall(payload: {
  readonly [key: string]: JsonValue;
}): Pick<PendingApproval, 'approvalId' | 'toolCallId' | 'toolName' | 'input' | 'callHash'> | null {
  const { approvalId, toolCallId, toolName, input, callHash } = payload;
  if (
    typeof approvalId !== 'string' ||
    typeof toolCallId !== 'string' ||
    typeof toolName !== 'string' ||
    typeof callHash !== 'string' ||
    input === undefined
  )
    return null;
  return { approvalId, toolCallId, toolName, input, callHash };
}

/** The approvals whose expiry has come (`expiresAt <= now`; ISO strings compare in order). */
export function dueApprovals(pending: readonly PendingApproval[], now: string): PendingApproval[] {
  return pending.filter((a) => a.expiresAt <= now);
}

/** The earliest expiry among `pending`, or null when nothing is pending. */
export function nextApprovalExpiry(pending: readonly PendingApproval[]): string | null {
  let next: string | null = null;
  for (const a of pending) if (next === null || a.expiresAt < next) next = a.expiresAt;
  return next;
}
