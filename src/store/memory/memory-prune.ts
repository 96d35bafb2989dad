// Retention for the memory store: the same rule the SQL stores apply, over one session's maps.

import type { EncodedOperation } from '../encoded-batch.js';
import type { PrunePolicy, PruneReport } from '../runtime-store.js';
import type { MemorySession } from './memory-session.js';

interface Rule {
  readonly maxAgeMs: number;
  readonly keepPerSession: number;
}

/** The records of `newestFirst` that are beyond the newest `keepPerSession` and older than `maxAgeMs`. */
function prunable<T>(
  newestFirst: readonly T[],
  atMs: (item: T) => number,
  rule: Rule,
  now: number,
): T[] {
  return newestFirst
    .slice(Math.max(0, rule.keepPerSession))
    .filter((item) => now - atMs(item) > rule.maxAgeMs);
}

/** Newest first: by completion seq (operations without one last), then finish time, then id. */
function newerOperationFirst(a: EncodedOperation, b: EncodedOperation): number {
  const seq = (op: EncodedOperation): number => op.completionSeq ?? -1;
  if (seq(a) !== seq(b)) return seq(b) - seq(a);
  const at = (op: EncodedOperation): number => op.finishedAtMs ?? 0;
  if (at(a) !== at(b)) return at(b) - at(a);
  return a.operationId < b.operationId ? 1 : a.operationId > b.operationId ? -1 : 0;
}

/** Prunes one session in place and returns what it removed. */
export function pruneMemorySession(session: MemorySession, policy: PrunePolicy): PruneReport {
  const { now } = policy;
  const inputs = prunable(
    [...session.inputs.values()].filter((input) => input.terminal).sort((a, b) => b.seq - a.seq),
    (input) => input.updatedAtMs,
    policy.inputs,
    now,
  );
  const receipts = prunable(
    [...session.receipts.values()].sort((a, b) => b.seq - a.seq),
    (receipt) => receipt.atMs,
    policy.receipts,
    now,
  );
  const events = new Set(
    prunable([...session.events].reverse(), (event) => event.atMs, policy.events, now),
  );
  const operations = prunable(
    [...session.operations.values()].filter((op) => op.terminal).sort(newerOperationFirst),
    (op) => op.finishedAtMs ?? now,
    policy.operations,
    now,
  );
  for (const input of inputs) {
    session.inputs.delete(input.inputId);
    session.inputIdBySeq.delete(input.seq);
  }
  for (const receipt of receipts) session.receipts.delete(receipt.runId);
  if (events.size > 0) session.events = session.events.filter((event) => !events.has(event));
  for (const op of operations) session.operations.delete(op.operationId);
  return {
    inputs: inputs.length,
    receipts: receipts.length,
    events: events.size,
    operations: operations.length,
  };
}
