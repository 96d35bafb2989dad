// Test hook for the PostgreSQL store: rewrite stored record text through a connection of its own.

import pg from 'pg';
import type { StoredRecordKind } from '../record-kinds.js';
import { pgSchema } from './pg-schema.js';

const COLUMNS: Readonly<Record<StoredRecordKind, { table: string; column: string }>> = {
  lifecycle: { table: 'sessions', column: 'lifecycle' },
  input: { table: 'inputs', column: 'body' },
  receipt: { table: 'receipts', column: 'body' },
  transcript: { table: 'transcript', column: 'body' },
  event: { table: 'events', column: 'body' },
  operation: { table: 'operations', column: 'body' },
  opsCursor: { table: 'ops_cursors', column: 'body' },
};

/**
 * Test hook: rewrites the stored JSON text of every record of `kind` in one session of `schema`
 * (how the conformance suite plants an unknown record version), in one transaction on its own
 * connection, like another host would.
 */
export async function rewritePgRecords(
  url: string,
  schema: string,
  runtimeId: string,
  kind: StoredRecordKind,
  edit: (text: string) => string,
): Promise<void> {
  const { column, table } = COLUMNS[kind];
  const qualified = `${pgSchema(schema).quoted}.${table}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ text: string | null }>(
      `SELECT DISTINCT ${column} AS text FROM ${qualified} WHERE runtime_id = $1`,
      [runtimeId],
    );
    for (const { text } of rows) {
      if (text === null) continue;
      await client.query(
        `UPDATE ${qualified} SET ${column} = $1 WHERE runtime_id = $2 AND ${column} = $3`,
        [edit(text), runtimeId, text],
      );
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
