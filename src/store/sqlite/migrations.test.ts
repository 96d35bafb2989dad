// Migrations 3 and 4 on a database written by the schema before them: the events move to the rowid
// table with every row, the session rows count the live inputs they had, and the store reads,
// appends, lists and refuses duplicates as before.

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventCodec } from '../codecs/event-codec.js';
import { inputCodec } from '../codecs/record-codecs.js';
import { events, input } from '../conformance/fixtures.js';
import { expectBurrowError } from '../conformance/harness.js';
import { SCHEMA_VERSION } from './migrations.js';
import { writeAtVersion } from './schema-at-version.test-support.js';
import { openSqliteStore } from './sqlite-store.js';
import type { TempDatabase } from './temp-database.test-support.js';
import { createTempDatabase } from './temp-database.test-support.js';
import { runtimeIdOf } from '../runtime-store.js';

/** Writes a database at schema version 2 with `rows` events of two sessions. */
function writeVersion2(path: string, rows: number): void {
  writeAtVersion(path, 2, (db) => {
    const insert = db.prepare(
      'INSERT INTO events (runtime_id, seq, type, at_ms, body) VALUES (?, ?, ?, ?, ?)',
    );
    for (const session of ['s1', 's2']) {
      db.prepare(
        'INSERT INTO sessions (runtime_id, committed, event_high_water) VALUES (?, 1, ?)',
      ).run(runtimeIdOf(session), rows);
      for (const event of events(session, 1, rows)) {
        insert.run(
          runtimeIdOf(session),
          event.seq,
          event.type,
          Date.parse(event.at),
          eventCodec.encode(event),
        );
      }
    }
  });
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
      expect(store.settings().schemaVersion).toBe(SCHEMA_VERSION);
      expect(await store.readEvents(runtimeIdOf('s1'), 0, 10)).toEqual(events('s1', 1, 5));
      expect(await store.readEvents(runtimeIdOf('s2'), 2, 10)).toEqual(events('s2', 1, 5).slice(2));
      await store.commit(runtimeIdOf('s1'), { events: events('s1', 6, 2) });
      expect(await store.readEvents(runtimeIdOf('s1'), 4, 10)).toEqual([
        ...events('s1', 1, 5).slice(4),
        ...events('s1', 6, 2),
      ]);
      await expectBurrowError(
        store.commit(runtimeIdOf('s1'), { events: events('s1', 7, 1) }),
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

describe('SQLite migration 4 (live input counts on the session row)', () => {
  let temp: TempDatabase;
  beforeEach(async () => {
    temp = await createTempDatabase();
  });
  afterEach(() => temp.remove());

  it('counts the live inputs of each lane a version-3 database holds, and keeps counting', async () => {
    const queued = input('s1', 'a', 1);
    const steered = {
      ...input('s1', 'b', 2),
      decision: { ...queued.decision, lane: 'steer' as const },
    };
    const done = input('s1', 'c', 3, { status: 'consumed', runId: 'r' });
    writeAtVersion(temp.path, 3, (db) => {
      db.prepare(
        `INSERT INTO sessions (runtime_id, committed) VALUES ('${runtimeIdOf('s1')}', 1)`,
      ).run();
      const insert = db.prepare(
        `INSERT INTO inputs (runtime_id, input_id, seq, status, terminal, lane, attempts,
           idempotency_key, updated_at_ms, body) VALUES ('${runtimeIdOf('s1')}', ?, ?, ?, ?, ?, 0, NULL, 0, ?)`,
      );
      for (const record of [queued, steered, done]) {
        const terminal = record.state.status === 'queued' ? 0 : 1;
        const { inputId } = record.header;
        insert.run(
          inputId,
          record.seq,
          record.state.status,
          terminal,
          record.decision.lane,
          inputCodec.encode(record),
        );
      }
    });
    const store = await openSqliteStore(temp.path);
    try {
      expect(await store.listSessions(0, 10)).toEqual([
        { runtimeId: runtimeIdOf('s1'), phase: 'idle', queue: 1, steer: 1, lease: null },
      ]);
      expect(await store.listRecoverable()).toEqual([runtimeIdOf('s1')]);
      const consumed = { status: 'consumed', runId: 'r2' } as const;
      await store.commit(runtimeIdOf('s1'), { inputs: [input('s1', 'a', 1, consumed)] });
      expect(await store.listSessions(0, 10)).toEqual([
        { runtimeId: runtimeIdOf('s1'), phase: 'idle', queue: 0, steer: 1, lease: null },
      ]);
      await store.commit(runtimeIdOf('s1'), {
        inputs: [{ ...input('s1', 'b', 2, consumed), decision: steered.decision }],
      });
      expect(await store.listRecoverable()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
