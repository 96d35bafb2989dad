// Recovery of the background-operations state from the store (04, Recovery item 4) and the durability
// decision applied on unregister. Both fail closed or end in-flight work explicitly; nothing is dropped.

import type { OpsDurabilityAction } from '../machine/effects.js';
import { terminateInFlight } from './lifecycle.js';
import { checkOpsInvariants } from './invariants.js';
import { isTerminalOpStatus, OP_KINDS, RUNTIME_RESTARTED, SESSION_UNREGISTERED } from './kinds.js';
import type { StoredOperation, StoredOpsCursor } from './records.js';
import { decodeStoredOperation } from './records.js';
import type { FeedEntry, Operation, OpsState } from './state.js';
import { createOpsState } from './state.js';

/** What {@link recoverOps} reads: the stored operations and cursor, the time, and an epoch id for a fresh start. */
export interface RecoverOpsRequest {
  readonly operations: readonly StoredOperation[];
  readonly cursor: StoredOpsCursor | null;
  readonly now: string;
  /** Used only when no cursor is stored (a new epoch starts); the shell mints it. */
  readonly freshEpochId: string;
}

/** The result of {@link recoverOps}: the state, and the operations recovery ended (to persist). */
export type RecoverOpsResult =
  | { readonly ok: true; readonly state: OpsState; readonly changed: readonly Operation[] }
  | { readonly ok: false; readonly violations: readonly string[] };

/**
 * Rebuilds the state of one session from what the store holds. Finished operations keep their
 * completion sequence numbers; operations that were in flight end `terminated{runtime_restarted}` and
 * take new sequence numbers, in start order (the seed silently dropped them). The epoch and cursors
 * are kept when a cursor record exists; with none (and no operations) a new epoch starts. Anything
 * inconsistent is refused, never repaired.
 */
export function recoverOps(request: RecoverOpsRequest): RecoverOpsResult {
  const { cursor } = request;
  if (cursor === null) {
    if (request.operations.length > 0)
      return { ok: false, violations: ['operations_without_cursor'] };
    return { ok: true, state: createOpsState(request.freshEpochId), changed: [] };
  }
  if (cursor.epochId === '') return { ok: false, violations: ['empty_epoch'] };
  const violations: string[] = [];
  const operations: Operation[] = [];
  for (const stored of request.operations) {
    const decoded = decodeStoredOperation(stored);
    if (typeof decoded === 'string')
      violations.push(`${decoded} (operation ${stored.operationId})`);
    else operations.push(decoded);
  }
  if (violations.length > 0) return { ok: false, violations };
  operations.sort((a, b) =>
    a.startedAt === b.startedAt
      ? a.operationId.localeCompare(b.operationId)
      : a.startedAt.localeCompare(b.startedAt),
  );
  const feed: FeedEntry[] = operations
    .filter(
      (op) =>
        isTerminalOpStatus(op.status) && OP_KINDS[op.kind].inFeed && op.completionSeq !== null,
    )
    .map((op) => ({ seq: op.completionSeq as number, operationId: op.operationId }))
    .sort((a, b) => a.seq - b.seq);
  const stored: OpsState = {
    epochId: cursor.epochId,
    open: true,
    operations,
    nextCompletionSeq: cursor.nextCompletionSeq,
    feed,
    cursors: { applied: cursor.applied, observed: cursor.observed, injected: cursor.injected },
  };
  const before = checkOpsInvariants(stored);
  if (before.length > 0) return { ok: false, violations: before };
  const ended = terminateInFlight(stored, RUNTIME_RESTARTED, request.now);
  if (!ended.ok) return { ok: false, violations: [`refused: ${ended.refusal.guard}`] };
  const after = checkOpsInvariants(ended.state);
  return after.length > 0 ? { ok: false, violations: after } : ended;
}

/** What unregister does with the ops state: `retain` writes the changed operations, `delete` drops the record. */
export interface OpsDurabilityResult {
  readonly store: 'retain' | 'delete';
  /** The closed state: nothing in flight, nothing starts, no cursor moves. */
  readonly state: OpsState;
  /** Operations ended by the unregister (`terminated{session_unregistered}`). */
  readonly changed: readonly Operation[];
}

/**
 * Applies the machine's `RuntimeOpsLifecycleDurabilityResolved` decision (retain for a session that was
 * retired or stopped, delete otherwise). Either way the operations still in flight end
 * `terminated{session_unregistered}` first, so no `waitAll` barrier stays open on a session that is
 * gone, and the state closes. Idempotent on a closed state.
 */
export function resolveOpsDurability(
  state: OpsState,
  action: OpsDurabilityAction,
  now: string,
): OpsDurabilityResult {
  const store = action === 'retain_snapshot' ? 'retain' : 'delete';
  const ended = terminateInFlight(state, SESSION_UNREGISTERED, now);
  // Terminate fires from every in-flight status with a fixed reason: a refusal here is a bug.
  if (!ended.ok) throw new Error(`unregister could not end operations: ${ended.refusal.guard}`);
  return { store, state: { ...ended.state, open: false }, changed: ended.changed };
}
