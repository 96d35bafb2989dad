// Rebuilding a session's ledger from its stored records (recovery).

import type { LedgerOp } from './input-ledger.js';
import { applyLedgerPatch, createLedger, type Ledger } from './input-ledger.js';
import type { InputRecord } from './input-record.js';
import { isTerminal } from './input-record.js';
import type { RetainedPool } from './retained.js';

/**
 * Rebuilds a ledger from stored records (recovery): staged and applied inputs go back to queued, and
 * the run the crash interrupted does not count as an attempt; lanes are rebuilt from admission
 * sequences, priority inputs first; the idempotency index is rebuilt from every retained record. Of
 * the terminal records, only the newest the pool's per-session bound allows are kept in memory (the
 * ledger then knows it `forgotten` some).
 */
export function restoreLedger(
  sessionId: string,
  records: readonly InputRecord[],
  updatedAt: string,
  pool?: RetainedPool,
): Ledger {
  const ledger = createLedger(sessionId, 1, pool);
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const finished = sorted.filter((record) => isTerminal(record.state));
  const skip = new Set(
    finished.slice(0, Math.max(0, finished.length - ledger.pool.perSession.records)),
  );
  const ops: LedgerOp[] = [];
  for (const record of sorted) {
    if (skip.has(record)) continue;
    const requeue = record.state.status === 'staged' || record.state.status === 'applied';
    const restored: InputRecord = requeue
      ? {
          ...record,
          state: { status: 'queued' },
          attempts: Math.max(0, record.attempts - 1),
          updatedAt,
        }
      : record;
    ops.push({ op: 'put', record: restored, placement: 'back' });
    if (record.header.idempotencyKey !== null)
      ops.push({ op: 'index', key: record.header.idempotencyKey, inputId: record.header.inputId });
  }
  const maxSeq = sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as InputRecord).seq;
  applyLedgerPatch(ledger, { ops, nextSeq: maxSeq + 1 });
  if (skip.size > 0) ledger.forgotten = true;
  return ledger;
}
