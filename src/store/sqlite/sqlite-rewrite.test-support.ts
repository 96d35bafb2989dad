// Test hook for the SQLite store: rewrite stored record text through a separate connection.

import Database from 'better-sqlite3';
import { toError } from '../../core/errors.js';
import type { StoredRecordKind } from '../record-kinds.js';

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
 * Test hook: rewrites the stored JSON text of every record of `kind` in one session of the SQLite
 * file at `path` (how the conformance suite plants an unknown record version). Opens and closes
 * its own connection, like another process would.
 */
export function rewriteSqliteRecords(
  path: string,
  runtimeId: string,
  kind: StoredRecordKind,
  edit: (text: string) => string,
): Promise<void> {
  const { table, column } = COLUMNS[kind];
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { timeout: 5_000 });
    // Rows are matched by their text (several tables have no rowid): equal texts get equal edits anyway.
    const rows = db
      .prepare<[string], { text: string | null }>(
        `SELECT ${column} AS text FROM ${table} WHERE runtime_id = ?`,
      )
      .all(runtimeId);
    const update = db.prepare<[string, string, string]>(
      `UPDATE ${table} SET ${column} = ? WHERE runtime_id = ? AND ${column} = ?`,
    );
    db.transaction(() => {
      for (const text of new Set(rows.map((row) => row.text))) {
        if (text !== null) update.run(edit(text), runtimeId, text);
      }
    })();
    return Promise.resolve();
  } catch (e: unknown) {
    return Promise.reject(toError(e));
  } finally {
    db?.close();
  }
}
