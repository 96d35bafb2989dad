// The runtime loop's idle wait while tool calls wait for a decision: no longer than the earliest
// approval expiry, so the runtime records `denied{expired}` by itself (the batch start expires them).

import { nextApprovalExpiry } from '../../core/approvals.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import { RunAbort } from './run-execute.js';

/**
 * Waits for `woken`; while the session has pending approvals, `onExpiry` runs at the earliest expiry
 * (it is expected to settle `woken`). The expiry timer is cleared before this resolves.
 */
export async function waitOrApprovalExpiry(
  ctx: RuntimeContext,
  entry: SessionEntry,
  woken: Promise<void>,
  onExpiry: () => void,
): Promise<void> {
  const next = nextApprovalExpiry(entry.approvals);
  if (next === null) return woken;
  const timer = new AbortController();
  const expired = ctx.clock
    .sleep(Math.max(0, Date.parse(next) - ctx.clock.now()), timer.signal)
    .then(onExpiry, () => undefined);
  try {
    await woken;
  } finally {
    timer.abort(new RunAbort('cancel', 'expiry timer no longer needed'));
    await expired;
  }
}
