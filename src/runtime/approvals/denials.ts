// Admitting a decision on a pending approval (issue 12), a person's or the runtime's own denial of an
// expired or superseded call, as an `approval_decision` input under the session's gate.

import type {
  ApprovalDecisionSubmission,
  PendingApproval,
  SYSTEM_DENIAL_REASONS,
} from '../../core/approvals.js';
import { approvalKey, decisionPayload, dueApprovals } from '../../core/approvals.js';
import { acceptsInput, admitParsed } from '../operations/input-admit.js';
import type { AcceptResult } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';

/** Admits the decision on `approval` (pending, or the call a decided input names). Under the gate. */
export function admitDecision(
  ctx: RuntimeContext,
  entry: SessionEntry,
  approval: Pick<PendingApproval, 'approvalId' | 'toolCallId' | 'toolName' | 'input' | 'callHash'>,
  submission: ApprovalDecisionSubmission,
  origin: 'operator' | 'system',
): Promise<AcceptResult> {
  const payload = decisionPayload(approval, submission);
  const header = { idempotencyKey: approvalKey(approval.approvalId), origin };
  return admitParsed(ctx, entry, payload, header, false, {
    extra: (inputId) => ({
      approvals: entry.approvals.filter((a) => a.approvalId !== approval.approvalId),
      events: [
        {
          type: 'approval.decided',
          data: {
            approvalId: approval.approvalId,
            decision: submission.decision,
            reason: submission.reason ?? null,
            origin,
            inputId,
          },
        },
      ],
    }),
  });
}

/** Denies, as the runtime, every pending approval in `approvals` with `reason`. Under the gate. */
async function denyAll(
  ctx: RuntimeContext,
  entry: SessionEntry,
  approvals: readonly PendingApproval[],
  reason: (typeof SYSTEM_DENIAL_REASONS)[number],
): Promise<void> {
  for (const approval of approvals) {
    await admitDecision(
      ctx,
      entry,
      approval,
      { decision: 'deny', reason, callHash: approval.callHash },
      'system',
    );
  }
}

/**
 * Records `denied{expired}` for every pending approval whose expiry has come. Under the gate. A
 * session whose phase takes no input (retired, stopped) cannot record decisions: nothing happens.
 */
export async function expireApprovals(ctx: RuntimeContext, entry: SessionEntry): Promise<void> {
  if (entry.approvals.length === 0 || !acceptsInput(entry)) return;
  await denyAll(ctx, entry, dueApprovals(entry.approvals, ctx.nowIso()), 'expired');
}

/** Denies every pending approval as `superseded` (a new prompt arrived). Under the gate. */
export async function supersedeApprovals(ctx: RuntimeContext, entry: SessionEntry): Promise<void> {
  if (entry.approvals.length === 0) return;
  await denyAll(ctx, entry, entry.approvals, 'superseded');
}
