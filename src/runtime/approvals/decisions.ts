// Deciding a pending approval (issue 12): a person's decision, or the runtime's own denial of an
// expired or superseded call, admitted as an `approval_decision` input under the session's gate.
//
// Order of the checks: the session accepts input (its phase); an approval due to expire is denied
// `expired` first (a late approve then conflicts with it); a pending approval must be named with the
// hash of its exact call; an approval no longer pending is looked up by its decision's idempotency key,
// so the same decision again is `deduplicated` and another one is `idempotency_conflict`.

import type { ApprovalDecisionSubmission, PendingApproval } from '../../core/approvals.js';
import { approvalDecisionSchema, approvalKey, decidedCall } from '../../core/approvals.js';
import { BurrowError } from '../../core/errors.js';
import { findInput } from '../../core/ledger/input-ledger.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import type { AcceptResult, OperationOptions } from '../operation-types.js';
import { activeEntry, entryUnderGate } from '../session/access.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import { admitDecision, expireApprovals } from './denials.js';
import { requireAcceptsInput } from '../operations/input-admit.js';

/** The decided input for `approvalId` in memory or in the store, or null. */
async function decidedInput(
  ctx: RuntimeContext,
  entry: SessionEntry,
  approvalId: string,
): Promise<InputRecord | null> {
  const key = approvalKey(approvalId);
  const inMemory = entry.ledger.idempotency.get(key);
  const record = inMemory === undefined ? undefined : findInput(entry.ledger, inMemory);
  if (record !== undefined) return record;
  if (ctx.store === null) return null;
  return ctx.store.readInputByIdempotencyKey(entry.runtimeId, key);
}

function unknownApproval(entry: SessionEntry, approvalId: string): BurrowError {
  return new BurrowError(
    'approval_not_found',
    `session ${entry.sessionId} has no approval ${approvalId}`,
    { sessionId: entry.sessionId, approvalId },
  );
}

/**
 * A person's decision on `approvalId` (under the gate): refused when the session takes no input,
 * when no such approval exists, or when `callHash` is not the pending call's; `deduplicated` when the
 * same decision was already taken; `idempotency_conflict` when another one was.
 */
export async function decideUnderGate(
  ctx: RuntimeContext,
  entry: SessionEntry,
  approvalId: string,
  submission: ApprovalDecisionSubmission,
): Promise<AcceptResult> {
  requireAcceptsInput(entry);
  await expireApprovals(ctx, entry);
  const pending = entry.approvals.find((a) => a.approvalId === approvalId);
  if (pending !== undefined) {
    if (pending.callHash !== submission.callHash) {
      throw new BurrowError(
        'approval_mismatch',
        `approval ${approvalId} is for call hash ${pending.callHash}, not ${submission.callHash}: the call changed or the decision names another one`,
        { sessionId: entry.sessionId, approvalId },
      );
    }
    return admitDecision(ctx, entry, pending, submission, 'operator');
  }
  const decided = await decidedInput(ctx, entry, approvalId);
  const call = decided === null ? null : decidedCall(decided.payload);
  if (call === null) throw unknownApproval(entry, approvalId);
  return admitDecision(ctx, entry, call, submission, 'operator');
}

/** `runtime.decideApproval`: validates the submission, then decides under the session's gate. */
export async function decideApproval(
  ctx: RuntimeContext,
  sessionId: string,
  approvalId: string,
  submission: ApprovalDecisionSubmission,
  options: OperationOptions,
): Promise<AcceptResult> {
  const parsed = approvalDecisionSchema.safeParse(submission);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(decision)'}: ${issue.message}`,
    );
    throw new BurrowError('validation_failed', `invalid decision: ${issues.join('; ')}`, {
      sessionId,
      issues,
    });
  }
  const release = await ctx.gate.lock(sessionId, options.signal);
  try {
    const entry = await entryUnderGate(ctx, sessionId);
    try {
      return await decideUnderGate(ctx, entry, approvalId, parsed.data);
    } catch (error: unknown) {
      if (error instanceof BurrowError && error.code !== 'store_unavailable') {
        entry.events.emitTransient({
          type: 'input.rejected',
          data: { code: error.code, message: error.message, inputId: null },
        });
      }
      throw error;
    }
  } finally {
    release();
  }
}

/** `runtime.listApprovals`: the session's pending approvals, oldest first. */
export async function listApprovals(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<readonly PendingApproval[]> {
  const entry = await activeEntry(ctx, sessionId, options.signal);
  return entry.approvals;
}
