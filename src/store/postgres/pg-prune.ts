// Retention for the PostgreSQL store: one transaction, one window-function DELETE per record kind.

import type { Pool } from 'pg';
import { pruneSql, pruneValues } from '../prune-sql.js';
import type { PrunePolicy, PruneReport } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';
import { withTransaction } from './pg-transaction.js';

const PARAMS = { keep: '$1', cutoff: '$2' };

/** Returns `prune` for `schema` on `pool`. */
export function createPgPrune(
  pool: Pool,
  schema: PgSchema,
): (policy: PrunePolicy) => Promise<PruneReport> {
  const s = schema;
  const statements = {
    inputs: pruneSql(s.inputs, 'input_id', 'terminal', 'seq DESC', 'updated_at_ms', PARAMS),
    receipts: pruneSql(s.receipts, 'run_id', 'true', 'seq DESC', 'at_ms', PARAMS),
    events: pruneSql(s.events, 'seq', 'true', 'seq DESC', 'at_ms', PARAMS),
    // Newest first as the memory store orders them: operations without a completion seq last.
    operations: pruneSql(
      s.operations,
      'operation_id',
      'terminal',
      'completion_seq DESC NULLS LAST, finished_at_ms DESC NULLS LAST, operation_id DESC',
      'finished_at_ms',
      PARAMS,
    ),
  };
  return (policy) =>
    withTransaction(pool, async (client) => {
      const run = async (kind: keyof typeof statements): Promise<number> => {
        const { keep, cutoff } = pruneValues(policy, kind);
        const result = await client.query(statements[kind], [keep, cutoff]);
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
