// The read side of the SQLite store: load (one snapshot) and paged reads.

import type Database from 'better-sqlite3';
import type { InputRecord } from '../../core/input-record.js';
import type { DurableEvent } from '../../core/runtime-event.js';
import {
  lifecycleCodec,
  operationCodec,
  opsCursorCodec,
  transcriptCodec,
} from '../codecs/record-codecs.js';
import { unpackInput, unpackReceipt } from './compact-rows.js';
import { createEventReads } from './sqlite-event-reads.js';
import type { RunReceipt, TranscriptEntry } from '../records.js';
import type { RuntimeId, StoredSession } from '../runtime-store.js';

interface SessionRow {
  readonly committed: number;
  readonly lifecycle: string | null;
  readonly event_high_water: number;
  readonly receipt_high_water: number;
}

interface KeyedBody {
  readonly key: string | number;
  readonly body: string;
}

/** A row keyed by id that also holds its record's seq. */
interface SeqRow {
  readonly key: string;
  readonly seq: number;
  readonly body: string;
}

/** The read operations, each synchronous (better-sqlite3) and each on statements prepared once. */
export interface SqliteReads {
  load(runtimeId: RuntimeId): StoredSession | null;
  readEvents(runtimeId: RuntimeId, sinceSeq: number, limit: number): DurableEvent[];
  readReceipts(runtimeId: RuntimeId, sinceSeq: number, limit: number): RunReceipt[];
  readTranscript(runtimeId: RuntimeId, offset: number, limit: number): TranscriptEntry[];
  readInput(runtimeId: RuntimeId, inputId: string): InputRecord | null;
  readInputByIdempotencyKey(runtimeId: RuntimeId, idempotencyKey: string): InputRecord | null;
}

/** Prepares the read statements of `db`. */
export function createReads(db: Database.Database): SqliteReads {
  const session = db.prepare<[string], SessionRow>(
    `SELECT committed, lifecycle, event_high_water, receipt_high_water FROM sessions WHERE runtime_id = ?`,
  );
  const inputs = db.prepare<[string], SeqRow>(
    'SELECT input_id AS key, inputs.key & 4294967295 AS seq, body FROM inputs WHERE runtime_id = ? ORDER BY inputs.key',
  );
  const transcriptLength = db
    .prepare<[string], number>(
      'SELECT COALESCE(MAX(idx) + 1, 0) FROM transcript WHERE runtime_id = ?',
    )
    .pluck();
  const operations = db.prepare<[string], KeyedBody>(
    'SELECT operation_id AS key, body FROM operations WHERE runtime_id = ? ORDER BY operation_id',
  );
  const cursor = db
    .prepare<[string], string>('SELECT body FROM ops_cursors WHERE runtime_id = ?')
    .pluck();
  const events = createEventReads(db);
  const receipts = db.prepare<[string, number, number], SeqRow>(
    'SELECT run_id AS key, seq, body FROM receipts WHERE runtime_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const transcript = db.prepare<[string, number, number], KeyedBody>(
    'SELECT idx AS key, body FROM transcript WHERE runtime_id = ? AND idx >= ? ORDER BY idx LIMIT ?',
  );
  const input = db.prepare<[string, string], SeqRow>(
    'SELECT input_id AS key, inputs.key & 4294967295 AS seq, body FROM inputs WHERE runtime_id = ? AND input_id = ?',
  );
  // Served by the index inputs_by_idempotency_key; the first admitted, should a key be stored twice.
  const inputByKey = db.prepare<[string, string], SeqRow>(
    `SELECT input_id AS key, inputs.key & 4294967295 AS seq, body FROM inputs
     WHERE runtime_id = ? AND idempotency_key = ? ORDER BY inputs.key LIMIT 1`,
  );
  const where = (runtimeId: RuntimeId, key: string | number): string => `${runtimeId} ${key}`;
  // SQLite's LIMIT -1 means no limit; `Infinity` is how a caller asks for everything.
  const count = (limit: number): number =>
    limit === Number.POSITIVE_INFINITY
      ? -1
      : Number.isNaN(limit)
        ? 0
        : Math.max(0, Math.floor(limit));

  // One deferred read transaction: every part of the session comes from the same snapshot even
  // while another process commits to this file.
  const load = db.transaction((runtimeId: RuntimeId): StoredSession | null => {
    const row = session.get(runtimeId);
    if (row === undefined || row.committed === 0) return null;
    const cursorBody = cursor.get(runtimeId);
    return {
      runtimeId,
      lifecycle: row.lifecycle === null ? null : lifecycleCodec.decode(row.lifecycle, runtimeId),
      inputs: inputs
        .all(runtimeId)
        .map((row) => unpackInput(runtimeId, row.key, row.seq, row.body)),
      transcriptLength: transcriptLength.get(runtimeId) ?? 0,
      eventHighWater: row.event_high_water,
      receiptHighWater: row.receipt_high_water,
      operations: operations
        .all(runtimeId)
        .map(({ key, body }) => operationCodec.decode(body, where(runtimeId, key))),
      opsCursor: cursorBody === undefined ? null : opsCursorCodec.decode(cursorBody, runtimeId),
    };
  });

  return {
    load: (runtimeId) => load.deferred(runtimeId),
    readEvents: (runtimeId, sinceSeq, limit) => events(runtimeId, sinceSeq, count(limit)),
    readReceipts: (runtimeId, sinceSeq, limit) =>
      receipts
        .all(runtimeId, sinceSeq, count(limit))
        .map((row) => unpackReceipt(runtimeId, row.key, row.seq, row.body)),
    readTranscript: (runtimeId, offset, limit) =>
      transcript
        .all(runtimeId, Math.max(0, offset), count(limit))
        .map(({ key, body }) => transcriptCodec.decode(body, where(runtimeId, key))),
    readInput: (runtimeId, inputId) => {
      const row = input.get(runtimeId, inputId);
      return row === undefined ? null : unpackInput(runtimeId, row.key, row.seq, row.body);
    },
    readInputByIdempotencyKey: (runtimeId, idempotencyKey) => {
      const row = inputByKey.get(runtimeId, idempotencyKey);
      return row === undefined ? null : unpackInput(runtimeId, row.key, row.seq, row.body);
    },
  };
}
