// A record's history only grows (issue 10): no ledger patch may change a terminal input record or
// move it back to live. The ledger's mutator checks every patch with this before its first change.

import { canonicalJson } from '../canonical-json.js';
import { BurrowError } from '../errors.js';
import type { InputRecord } from './input-record.js';
import { isTerminal } from './input-record.js';
import type { Ledger, LedgerPatch } from './input-ledger.js';

function historyRewrite(ledger: Ledger, id: string, message: string): BurrowError {
  return new BurrowError('internal', `ledger of ${ledger.sessionId}: input ${id} ${message}`, {
    sessionId: ledger.sessionId,
    inputId: id,
  });
}

/**
 * Throws `internal` (a planner bug) when `patch` would change a terminal record or move it back to
 * live. Re-putting an equal terminal record is allowed (it changes nothing). A record the patch drops
 * first is no longer known to memory; the store guards it (it refuses to rewrite a terminal input).
 */
export function checkHistory(ledger: Ledger, patch: LedgerPatch): void {
  // Terminal records as the patch leaves them so far; null: dropped by the patch.
  const finished = new Map<string, InputRecord | null>();
  for (const op of patch.ops) {
    if (op.op === 'drop') finished.set(op.inputId, null);
    if (op.op !== 'put') continue;
    const id = op.record.header.inputId;
    const before = finished.has(id) ? finished.get(id) : ledger.terminal.get(id);
    if (before !== undefined && before !== null && before !== op.record) {
      if (!isTerminal(op.record.state))
        throw historyRewrite(ledger, id, `is ${before.state.status}; it cannot become live again`);
      if (canonicalJson(before) !== canonicalJson(op.record))
        throw historyRewrite(ledger, id, `is ${before.state.status}; its record cannot change`);
    }
    if (isTerminal(op.record.state)) finished.set(id, op.record);
  }
}
