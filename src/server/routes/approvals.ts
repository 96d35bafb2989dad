// Approval routes (issue 12): a session's tool calls waiting for a decision, and deciding one.

import { approvalDecisionSchema } from '../../core/approvals.js';
import { pathId, waitParam } from '../params.js';
import { acceptedAnswer } from '../accepted-answer.js';
import { readJsonBody } from '../read-body.js';
import type { RouteSpec, ServerDeps } from './route-spec.js';
import { json } from './route-spec.js';

/** The approval routes. */
export function approvalRoutes(deps: ServerDeps): RouteSpec[] {
  const { runtime } = deps;
  return [
    {
      method: 'GET',
      path: '/v1/sessions/:id/approvals',
      operationId: 'listApprovals',
      summary:
        "The session's tool calls waiting for a decision, oldest first: tool, input, the hash a decision must name, and the expiry.",
      tag: 'approvals',
      auth: 'bearer',
      success: [{ status: 200, description: 'The pending approvals.', schema: 'ApprovalList' }],
      errors: ['fenced', 'store_unavailable'],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        return json({ approvals: await runtime.listApprovals(id) });
      },
    },
    {
      method: 'POST',
      path: '/v1/sessions/:id/approvals/:approvalId',
      operationId: 'decideApproval',
      summary:
        "Approve or deny a pending tool call. callHash must be the pending call's (another call answers 409 approval_mismatch, an unknown approval 404 approval_not_found). The same decision again is deduplicated; another decision for a decided approval answers 409 idempotency_conflict. Answers 202 at once; with ?wait= it waits for the outcome of the turn that runs (or reports the denial of) the call.",
      tag: 'approvals',
      auth: 'bearer',
      body: { schema: approvalDecisionSchema, optional: false },
      params: [
        {
          name: 'wait',
          in: 'query',
          type: 'string',
          description:
            'Wait for the outcome: 30s, 1500ms, 2m or bare milliseconds (clamped to the server maximum).',
        },
      ],
      success: [
        {
          status: 202,
          description: 'Decided (or deduplicated); the outcome of its turn is pending.',
          schema: 'AcceptedInput',
        },
        {
          status: 200,
          description: 'Decided, and its turn finished within ?wait=.',
          schema: 'AcceptedInput',
        },
      ],
      errors: [
        'not_ready',
        'destroyed',
        'approval_not_found',
        'approval_mismatch',
        'idempotency_conflict',
        'queue_full',
        'fenced',
        'store_unavailable',
      ],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const approvalId = pathId(c.req.param('approvalId'), 'approval id');
        const wait = waitParam(c.req.query('wait'), deps.maxWaitMs);
        const decision = await readJsonBody(c.req.raw, deps.maxBodyBytes, approvalDecisionSchema);
        // No request signal: once acknowledged, the decision's fate is the runtime's.
        const accepted = await runtime.decideApproval(id, approvalId, decision);
        return acceptedAnswer(c, deps, id, accepted, wait);
      },
    },
  ];
}
