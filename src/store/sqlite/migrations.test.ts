// Migration 3 on a database written by the previous schema: the events move to the rowid table with
// every row, and the store reads, appends and refuses duplicates as before.

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventCodec } from '../codecs/event-codec.js';
import { events } from '../conformance/fixtures.js';
import { expectBurrowError } from '../conformance/harness.js';
import { MIGRATIONS } from './migrations.js';
import { openSqliteStore } from './sqlite-store.js';
import type { TempDatabase } from './temp-database.test-support.js';
import { createTempDatabase } from './temp-database.test-support.js';

/** Writes a database at schema version 2 with `rows` events of two sessions. */
function writeVersion2(path: string, rows: number): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_version VALUES (?, ?, 'then')").run(
        migration.version,
        migration.name,
      );
    }
    const insert = db.prepare(
      'INSERT INTO events (runtime_id, seq, type, at_ms, body) VALUES (?, ?, ?, ?, ?)',
    );
    for (const session of ['s1', 's2']) {
      db.prepare(
        'INSERT INTO sessions (runtime_id, committed, event_high_water) VALUES (?, 1, ?)',
      ).run(`rt:session:${session}`, rows);
      for (const event of events(session, 1, rows)) {
        insert.run(
          `rt:session:${session}`,
          event.seq,
          event.type,
          Date.parse(event.at),
          eventCodec.encode(event),
        );
      }
    }
  } finally {
    db.close();
  }
}

describe('SQLite migration 3 (events in append order)', () => {
  let temp: TempDatabase;
  beforeEach(async () => {
    temp = await createTempDatabase();
  });
  afterEach(() => temp.remove());

  it('keeps every event of a version-2 database, and appends and refuses duplicates after it', async () => {
    writeVersion2(temp.path, 5);
    const store = await openSqliteStore(temp.path);
    try {
      expect(store.settings().schemaVersion).toBe(3);
      expect(await store.readEvents('rt:session:s1', 0, 10)).toEqual(events('s1', 1, 5));
      expect(await store.readEvents('rt:session:s2', 2, 10)).toEqual(events('s2', 1, 5).slice(2));
      await store.commit('rt:session:s1', { events: events('s1', 6, 2) });
      expect(await store.readEvents('rt:session:s1', 4, 10)).toEqual([
        ...events('s1', 1, 5).slice(4),
        ...events('s1', 6, 2),
      ]);
      await expectBurrowError(
        store.commit('rt:session:s1', { events: events('s1', 7, 1) }),
        'internal',
        /event seq 7/,
      );
    } finally {
      await store.close();
    }
    const raw = new Database(temp.path, { readonly: true });
    try {
      expect(raw.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 12 });
    } finally {
      raw.close();
    }
  });
});
