// Test hook for the SQLite store: rewrite stored record text through a separate connection.

import Database from 'better-sqlite3';
import { toError } from '../../core/errors.js';
import type { StoredRecordKind } from '../record-kinds.js';
import type { RuntimeId } from '../runtime-store.js';
import { unpackInput, unpackReceipt } from './compact-rows.js';
import { createEventReads } from './sqlite-event-reads.js';

/** Each kind's rows: a row id, the stored text, and the record's whole JSON text (compact rows unpacked). */
interface Rows {
  readonly select: string;
  readonly update: string;
  readonly whole?: (runtimeId: RuntimeId, row: RewriteRow, db: Database.Database) => string;
}

interface RewriteRow {
  readonly id: string | number;
  readonly seq: number;
  readonly text: string | null;
}

const byRuntime = (table: string, column: string, id: string, seq = '0'): Rows => ({
  select: `SELECT ${id} AS id, ${seq} AS seq, ${column} AS text FROM ${table} WHERE runtime_id = ?`,
  update: `UPDATE ${table} SET ${column} = ? WHERE runtime_id = ? AND ${id} = ?`,
});

const ROWS: Readonly<Record<StoredRecordKind, Rows>> = {
  lifecycle: byRuntime('sessions', 'lifecycle', 'runtime_id'),
  input: {
    ...byRuntime('inputs', 'body', 'input_id', 'key & 4294967295'),
    whole: (runtimeId, row) =>
      JSON.stringify(unpackInput(runtimeId, String(row.id), row.seq, row.text ?? '')),
  },
  receipt: {
    ...byRuntime('receipts', 'body', 'run_id', 'seq'),
    whole: (runtimeId, row) =>
      JSON.stringify(unpackReceipt(runtimeId, String(row.id), row.seq, row.text ?? '')),
  },
  transcript: byRuntime('transcript', 'body', 'idx'),
  event: {
    select: `SELECT key AS id, key & 4294967295 AS seq, body AS text FROM events
      WHERE key >> 32 = (SELECT session_no FROM sessions WHERE runtime_id = ?)`,
    update: 'UPDATE events SET body = ? WHERE ? IS NOT NULL AND key = ?',
    whole: (runtimeId, row, db) =>
      JSON.stringify(createEventReads(db)(runtimeId, row.seq - 1, 1)[0]),
  },
  operation: byRuntime('operations', 'body', 'operation_id'),
  opsCursor: byRuntime('ops_cursors', 'body', 'runtime_id'),
};

/**
 * Test hook: rewrites the stored JSON text of every record of `kind` in one session of the SQLite
 * file at `path` (how the conformance suite plants an unknown record version). A compact row is
 * handed to `edit` as its record's whole JSON and stored back in that form. Opens and closes its own
 * connection, like another process would.
 */
export function rewriteSqliteRecords(
  path: string,
  runtimeId: RuntimeId,
  kind: StoredRecordKind,
  edit: (text: string) => string,
): Promise<void> {
  const rows = ROWS[kind];
  let db: Database.Database | null = null;
  try {
    const open = new Database(path, { timeout: 5_000 });
    db = open;
    const found = open.prepare<[string], RewriteRow>(rows.select).all(runtimeId);
    const update = open.prepare<[string, string, string | number]>(rows.update);
    const whole = (row: RewriteRow): string | null =>
      row.text === null || row.text.startsWith('{') || rows.whole === undefined
        ? row.text
        : rows.whole(runtimeId, row, open);
    const edited = found.map((row) => ({ row, text: whole(row) }));
    open.transaction(() => {
      for (const { row, text } of edited)
        if (text !== null) update.run(edit(text), runtimeId, row.id);
    })();
    return Promise.resolve();
  } catch (e: unknown) {
    return Promise.reject(toError(e));
  } finally {
    db?.close();
  }
}
