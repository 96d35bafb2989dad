// Retention for the PostgreSQL store: one transaction, one window-function DELETE per record kind.

import type { Pool } from 'pg';
import type { PrunePolicy, PruneReport } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';
import { withTransaction } from './pg-transaction.js';

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
    ) ranked WHERE rank > $1 AND at_ms < $2
  )`;
}

/** Returns `prune` for `schema` on `pool`. */
export function createPgPrune(
  pool: Pool,
  schema: PgSchema,
): (policy: PrunePolicy) => Promise<PruneReport> {
  const s = schema;
  const statements = {
    inputs: pruneSql(s.inputs, 'input_id', 'terminal', 'seq DESC', 'updated_at_ms'),
    receipts: pruneSql(s.receipts, 'run_id', 'true', 'seq DESC', 'at_ms'),
    events: pruneSql(s.events, 'seq', 'true', 'seq DESC', 'at_ms'),
    // Newest first as the memory store orders them: operations without a completion seq last.
    operations: pruneSql(
      s.operations,
      'operation_id',
      'terminal',
      'completion_seq DESC NULLS LAST, finished_at_ms DESC NULLS LAST, operation_id DESC',
      'finished_at_ms',
    ),
  };
  return (policy) =>
    withTransaction(pool, async (client) => {
      const run = async (kind: keyof typeof statements): Promise<number> => {
        const rule = policy[kind];
        const result = await client.query(statements[kind], [
          Math.max(0, Math.floor(rule.keepPerSession)),
          policy.now - rule.maxAgeMs,
        ]);
        return result.rowCount ?? 0;
      };
      return {
        inputs: await run('inputs'),
        receipts: await run('receipts'),
        events: await run('events'),
        operations: await run('operations'),
      };
    });
}
