// Migration 5 on a database written by schema 4: every input, receipt and event is still read (their
// whole JSON bodies), new ones are written compact next to them, and the checks hold across both.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventCodec } from '../codecs/event-codec.js';
import { inputCodec, receiptCodec } from '../codecs/record-codecs.js';
import { events, input, receipt } from '../conformance/fixtures.js';
import { expectBurrowError } from '../conformance/harness.js';
import { runtimeIdOf } from '../runtime-store.js';
import { writeAtVersion } from './schema-at-version.test-support.js';
import { openSqliteStore } from './sqlite-store.js';
import type { TempDatabase } from './temp-database.test-support.js';
import { createTempDatabase } from './temp-database.test-support.js';

const done = { status: 'consumed', runId: 'r1' } as const;

function writeVersion4(path: string): void {
  writeAtVersion(path, 4, (db) => {
    const session = db.prepare(
      'INSERT INTO sessions (runtime_id, committed, event_high_water, receipt_high_water, live_queue) VALUES (?, 1, 3, 1, ?)',
    );
    const inputRow = db.prepare(
      `INSERT INTO inputs (runtime_id, input_id, seq, status, terminal, lane, attempts,
         idempotency_key, updated_at_ms, body) VALUES (?, ?, ?, 'x', ?, 'queue', 0, ?, 0, ?)`,
    );
    const receiptRow = db.prepare(
      'INSERT INTO receipts (runtime_id, run_id, seq, at_ms, body) VALUES (?, ?, 1, 0, ?)',
    );
    const eventRow = db.prepare(
      'INSERT INTO events (runtime_id, seq, type, at_ms, body) VALUES (?, ?, ?, 0, ?)',
    );
    for (const id of ['s1', 's2']) {
      const rt = `rt:session:${id}`;
      session.run(rt, 1);
      const queued = input(id, 'a', 1, undefined, { idempotencyKey: 'k' });
      inputRow.run(rt, 'a', 1, 0, 'k', inputCodec.encode(queued));
      inputRow.run(rt, 'b', 2, 1, null, inputCodec.encode(input(id, 'b', 2, done)));
      receiptRow.run(rt, 'r1', receiptCodec.encode(receipt('r1', 1, ['b'])));
      for (const e of events(id, 1, 3)) eventRow.run(rt, e.seq, e.type, eventCodec.encode(e));
    }
  });
}

describe('SQLite migration 5 (compact rows keyed by number)', () => {
  let temp: TempDatabase;
  beforeEach(async () => {
    temp = await createTempDatabase();
  });
  afterEach(() => temp.remove());

  it('reads what schema 4 stored and writes next to it', async () => {
    writeVersion4(temp.path);
    const store = await openSqliteStore(temp.path);
    try {
      const rt = runtimeIdOf('s2');
      const loaded = await store.load(rt);
      expect(loaded?.inputs).toEqual([
        input('s2', 'a', 1, undefined, { idempotencyKey: 'k' }),
        input('s2', 'b', 2, done),
      ]);
      expect(await store.readInputByIdempotencyKey(rt, 'k')).toEqual(loaded?.inputs[0]);
      expect(await store.readEvents(rt, 1, 10)).toEqual(events('s2', 1, 3).slice(1));
      // A stored terminal input may be written again unchanged, never changed.
      await store.commit(rt, { inputs: [input('s2', 'b', 2, done)] });
      await expectBurrowError(
        store.commit(rt, { inputs: [input('s2', 'b', 2, { status: 'consumed', runId: 'r9' })] }),
        'internal',
        /stored terminal/,
      );
      await expectBurrowError(
        store.commit(rt, { inputs: [input('s2', 'c', 1)] }),
        'internal',
        /input seq 1/,
      );
      await store.commit(rt, {
        inputs: [input('s2', 'a', 1, done, { idempotencyKey: 'k' }), input('s2', 'c', 3)],
        receipt: receipt('r2', 2, ['a']),
        events: events('s2', 4, 3),
      });
      expect(await store.readEvents(rt, 0, 10)).toEqual([
        ...events('s2', 1, 3),
        ...events('s2', 4, 3),
      ]);
      expect(await store.readReceipts(rt, 0, 10)).toEqual([
        receipt('r1', 1, ['b']),
        receipt('r2', 2, ['a']),
      ]);
      expect((await store.load(rt))?.inputs.map((i) => i.header.inputId)).toEqual(['a', 'b', 'c']);
      expect(await store.readEvents(runtimeIdOf('s1'), 0, 10)).toEqual(events('s1', 1, 3));
      expect(await store.listSessions(0, 10)).toEqual([
        { runtimeId: 'rt:session:s1', phase: 'idle', queue: 1, steer: 0, lease: null },
        { runtimeId: 'rt:session:s2', phase: 'idle', queue: 1, steer: 0, lease: null },
      ]);
    } finally {
      await store.close();
    }
  });
});
