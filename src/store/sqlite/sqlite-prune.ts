// Retention for the SQLite store: one transaction, one window-function DELETE per record kind.

import type Database from 'better-sqlite3';
import { pruneSql, pruneValues } from '../prune-sql.js';
import type { PrunePolicy, PruneReport } from '../runtime-store.js';

const PARAMS = { keep: '@keep', cutoff: '@cutoff' };

/** Prepares the prune statements and returns `prune`. */
export function createPrune(db: Database.Database): (policy: PrunePolicy) => PruneReport {
  const inputs = db.prepare(
    pruneSql('inputs', 'input_id', 'terminal = 1', 'key DESC', 'updated_at_ms', PARAMS),
  );
  const receipts = db.prepare(pruneSql('receipts', 'run_id', '1', 'seq DESC', 'at_ms', PARAMS));
  // Events are keyed by session_no << 32 | seq (migration 5): the same rule per key range.
  const events = db.prepare(
    `DELETE FROM events WHERE key IN (
      SELECT key FROM (
        SELECT key, at_ms, ROW_NUMBER() OVER (PARTITION BY key >> 32 ORDER BY key DESC) AS rank
        FROM events
      ) ranked WHERE rank > @keep AND at_ms < @cutoff
    )`,
  );
  const operations = db.prepare(
    pruneSql(
      'operations',
      'operation_id',
      'terminal = 1',
      'completion_seq IS NULL, completion_seq DESC, finished_at_ms DESC, operation_id DESC',
      'finished_at_ms',
      PARAMS,
    ),
  );
  const run = db.transaction((policy: PrunePolicy): PruneReport => {
    return {
      inputs: inputs.run(pruneValues(policy, 'inputs')).changes,
      receipts: receipts.run(pruneValues(policy, 'receipts')).changes,
      events: events.run(pruneValues(policy, 'events')).changes,
      operations: operations.run(pruneValues(policy, 'operations')).changes,
    };
  });
  return (policy) => run.immediate(policy);
}
