// The `continuation` input a finished background operation of a waking kind produces (04: a finished
// `background_tool` wakes its idle session). Admission decides its priority; this only builds it.

import type { InputSubmission } from '../input-kinds.js';
import type { JsonValue } from '../json.js';
import type { FeedNotice } from './feed.js';
import { OP_KINDS } from './kinds.js';

/** The idempotency key of the continuation of feed entry `seq` in `epochId`: a redelivery deduplicates. */
export function continuationKey(epochId: string, seq: number): string {
  return `op:${epochId}:${seq}`;
}

/**
 * The continuation submission for a feed notice, or null when its kind does not wake the session.
 * Every terminal status wakes (the agent waits on any end of its tool, not only success); `result`
 * carries the status, the operation's result or reason, its sequence number and its meta. The
 * idempotency key makes a redelivery after a crash (04: "delivered twice but never lost") collapse
 * into the first admission while that input is retained.
 *
 * @example
 * continuationFor('e1', { seq: 3, operationId: 'op1', kind: 'background_tool', status: 'completed', result: 42, reason: null, finishedAt }, null)
 * // { kind: 'continuation', reason: 'background tool completed', operationId: 'op1', result: { status: 'completed', ... }, ... }
 */
export function continuationFor(
  epochId: string,
  notice: FeedNotice,
  meta: JsonValue,
): InputSubmission | null {
  if (!OP_KINDS[notice.kind].wakesIdle) return null;
  return {
    kind: 'continuation',
    reason: `background tool ${notice.status}`,
    operationId: notice.operationId,
    result: {
      status: notice.status,
      completionSeq: notice.seq,
      result: notice.result,
      reason: notice.reason,
      meta,
    },
    origin: 'system',
    idempotencyKey: continuationKey(epochId, notice.seq),
  };
}
