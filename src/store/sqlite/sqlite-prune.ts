// Retention for the SQLite store: one transaction, one window-function DELETE per record kind.

import type Database from 'better-sqlite3';
import type { PrunePolicy, PruneReport } from '../runtime-store.js';

/**
 * A record is pruned when it is beyond the newest `keep` of its session (by `order`) and older
 * than the cutoff (`now - maxAgeMs`): the same rule as the memory store's `prunable`.
 */
function pruneSql(
  table: string,
  key: string,
  filter: string,
  order: string,
  atColumn: string,
): string {
  return `DELETE FROM ${table} WHERE (runtime_id, ${key}) IN (
    SELECT runtime_id, ${key} FROM (
      SELECT runtime_id, ${key}, ${atColumn} AS at_ms,
        ROW_NUMBER() OVER (PARTITION BY runtime_id ORDER BY ${order}) AS rank
      FROM ${table} WHERE ${filter}
    ) WHERE rank > @keep AND at_ms < @cutoff
  )`;
}

/** Prepares the prune statements and returns `prune`. */
export function createPrune(db: Database.Database): (policy: PrunePolicy) => PruneReport {
  const inputs = db.prepare(
    pruneSql('inputs', 'input_id', 'terminal = 1', 'seq DESC', 'updated_at_ms'),
  );
  const receipts = db.prepare(pruneSql('receipts', 'run_id', '1', 'seq DESC', 'at_ms'));
  const events = db.prepare(pruneSql('events', 'seq', '1', 'seq DESC', 'at_ms'));
  const operations = db.prepare(
    pruneSql(
      'operations',
      'operation_id',
      'terminal = 1',
      'completion_seq IS NULL, completion_seq DESC, finished_at_ms DESC, operation_id DESC',
      'finished_at_ms',
    ),
  );
  const run = db.transaction((policy: PrunePolicy): PruneReport => {
    const params = (rule: {
      maxAgeMs: number;
      keepPerSession: number;
    }): Record<string, number> => ({
      keep: Math.max(0, Math.floor(rule.keepPerSession)),
      cutoff: policy.now - rule.maxAgeMs,
    });
    return {
      inputs: inputs.run(params(policy.inputs)).changes,
      receipts: receipts.run(params(policy.receipts)).changes,
      events: events.run(params(policy.events)).changes,
      operations: operations.run(params(policy.operations)).changes,
    };
  });
  return (policy) => run.immediate(policy);
}
