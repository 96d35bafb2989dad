// Turning an executor's approval requests into pending approvals: ids, the hash of each exact call,
// and the expiry.

import { createHash } from 'node:crypto';
import type { PendingApproval } from '../../core/approvals.js';
import { canonicalJson } from '../../core/canonical-json.js';
import type { JsonValue } from '../../core/json.js';
import { isoAt } from '../clock.js';
import type { ApprovalRequest } from '../executor.js';
import { uuidv7 } from '../ids.js';
import type { RuntimeContext } from '../runtime-context.js';

/**
 * The hash a decision is bound to: `sha256:` and the hex digest of the canonical JSON of the call's
 * id, tool and input. A decision that names another hash decides another call and is refused.
 */
export function callHashOf(call: {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: JsonValue;
}): string {
  const text = canonicalJson({
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: call.input,
  });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The pending approvals a turn's requests become (their events come from the turn planner). */
export function pendingApprovals(
  ctx: RuntimeContext,
  runId: string,
  requests: readonly ApprovalRequest[],
): PendingApproval[] {
  const now = ctx.clock.now();
  return requests.map((request): PendingApproval => ({
    approvalId: request.approvalId ?? uuidv7(now),
    runId,
    toolCallId: request.toolCallId,
    toolName: request.toolName,
    input: request.input,
    callHash: callHashOf(request),
    requestedAt: isoAt(now),
    expiresAt: isoAt(now + ctx.options.approvalTtlMs),
  }));
}
