// The raw floor of the durable benchmarks: commit batches written straight to better-sqlite3, one
// transaction each, as JSON text in plain (key, body) tables — no indexes, checks or validation.

import Database from 'better-sqlite3';
import type { CommitBatch } from '../src/store/runtime-store.js';

/** A database that writes commit batches the floor's way. */
export interface RawFloor {
  /** Writes `batch` in one `BEGIN IMMEDIATE` transaction. */
  write(batch: CommitBatch): void;
  close(): void;
}

/** Opens the floor's database at `path` in WAL mode with the given synchronous level. */
export function openRawFloor(path: string, synchronous: 'full' | 'normal'): RawFloor {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE inputs (id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE receipts (id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE transcript (idx INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
  const session = db.prepare('INSERT OR REPLACE INTO sessions VALUES (?, ?)');
  const input = db.prepare('INSERT OR REPLACE INTO inputs VALUES (?, ?)');
  const receipt = db.prepare('INSERT INTO receipts VALUES (?, ?)');
  const message = db.prepare('INSERT INTO transcript VALUES (?, ?)');
  const event = db.prepare('INSERT INTO events VALUES (?, ?)');
  const write = db.transaction((batch: CommitBatch) => {
    if (batch.lifecycle !== undefined) session.run('s1', JSON.stringify(batch.lifecycle));
    for (const r of batch.inputs ?? []) input.run(r.header.inputId, JSON.stringify(r));
    if (batch.receipt !== undefined)
      receipt.run(batch.receipt.runId, JSON.stringify(batch.receipt));
    for (const m of batch.transcript ?? []) message.run(m.index, JSON.stringify(m));
    for (const e of batch.events ?? []) event.run(e.seq, JSON.stringify(e));
  });
  return { write: (batch) => write.immediate(batch), close: () => db.close() };
}
