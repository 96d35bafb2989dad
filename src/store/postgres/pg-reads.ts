// The read side of the PostgreSQL store: load (one statement, so one snapshot) and paged reads.

import type { Pool } from 'pg';
import type { InputRecord } from '../../core/ledger/input-record.js';
import type { DurableEvent } from '../../core/runtime-event.js';
import { eventCodec } from '../codecs/event-codec.js';
import {
  inputCodec,
  lifecycleCodec,
  operationCodec,
  opsCursorCodec,
  receiptCodec,
  transcriptCodec,
} from '../codecs/record-codecs.js';
import type { RunReceipt, TranscriptEntry } from '../records.js';
import type { RuntimeId, StoredSession } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';

interface SessionRow {
  readonly committed: boolean;
  readonly lifecycle: string | null;
  readonly event_high_water: string;
  readonly receipt_high_water: string;
  readonly transcript_length: string;
  readonly cursor: string | null;
  readonly input_keys: string[];
  readonly input_bodies: string[];
  readonly operation_keys: string[];
  readonly operation_bodies: string[];
}

interface KeyedBody {
  readonly key: string;
  readonly body: string;
}

/** The read operations of the PostgreSQL store. */
export interface PgReads {
  load(runtimeId: RuntimeId): Promise<StoredSession | null>;
  readEvents(runtimeId: RuntimeId, sinceSeq: number, limit: number): Promise<DurableEvent[]>;
  readReceipts(runtimeId: RuntimeId, sinceSeq: number, limit: number): Promise<RunReceipt[]>;
  readTranscript(runtimeId: RuntimeId, offset: number, limit: number): Promise<TranscriptEntry[]>;
  readInput(runtimeId: RuntimeId, inputId: string): Promise<InputRecord | null>;
  readInputByIdempotencyKey(
    runtimeId: RuntimeId,
    idempotencyKey: string,
  ): Promise<InputRecord | null>;
}

/** A LIMIT parameter: null (no limit) for `Infinity`, 0 for NaN, else a whole non-negative count. */
export function pgLimit(limit: number): number | null {
  if (limit === Number.POSITIVE_INFINITY) return null;
  return Number.isNaN(limit) ? 0 : Math.max(0, Math.floor(limit));
}

/** The read statements of `schema`, run on `pool`. */
export function createPgReads(pool: Pool, schema: PgSchema): PgReads {
  const s = schema;
  const name = (what: string): string => `burrow_${s.name}_${what}`;
  // Everything in one statement: PostgreSQL runs it on one snapshot, so a commit landing meanwhile
  // is seen whole or not at all. Keys and bodies come as parallel arrays ordered the same way.
  const loadText = `SELECT s.committed, s.lifecycle, s.event_high_water, s.receipt_high_water,
      (SELECT COALESCE(MAX(idx) + 1, 0) FROM ${s.transcript} t WHERE t.runtime_id = s.runtime_id)
        AS transcript_length,
      (SELECT body FROM ${s.opsCursors} c WHERE c.runtime_id = s.runtime_id) AS cursor,
      ARRAY(SELECT input_id FROM ${s.inputs} i WHERE i.runtime_id = s.runtime_id ORDER BY seq)
        AS input_keys,
      ARRAY(SELECT body FROM ${s.inputs} i WHERE i.runtime_id = s.runtime_id ORDER BY seq)
        AS input_bodies,
      ARRAY(SELECT operation_id FROM ${s.operations} o WHERE o.runtime_id = s.runtime_id
        ORDER BY operation_id) AS operation_keys,
      ARRAY(SELECT body FROM ${s.operations} o WHERE o.runtime_id = s.runtime_id
        ORDER BY operation_id) AS operation_bodies
    FROM ${s.sessions} s WHERE s.runtime_id = $1`;
  const where = (runtimeId: RuntimeId, key: string | number): string => `${runtimeId} ${key}`;
  const rows = async (what: string, text: string, values: unknown[]): Promise<KeyedBody[]> =>
    (await pool.query<KeyedBody>({ name: name(what), text, values })).rows;

  return {
    async load(runtimeId) {
      const result = await pool.query<SessionRow>({
        name: name('load'),
        text: loadText,
        values: [runtimeId],
      });
      const row = result.rows[0];
      if (row === undefined || !row.committed) return null;
      const decodeAll = <T>(
        keys: readonly string[],
        bodies: readonly string[],
        decode: (body: string, where: string) => T,
      ): T[] => bodies.map((body, i) => decode(body, where(runtimeId, keys[i] ?? '?')));
      return {
        runtimeId,
        lifecycle: row.lifecycle === null ? null : lifecycleCodec.decode(row.lifecycle, runtimeId),
        inputs: decodeAll(row.input_keys, row.input_bodies, (b, w) => inputCodec.decode(b, w)),
        transcriptLength: Number(row.transcript_length),
        eventHighWater: Number(row.event_high_water),
        receiptHighWater: Number(row.receipt_high_water),
        operations: decodeAll(row.operation_keys, row.operation_bodies, (b, w) =>
          operationCodec.decode(b, w),
        ),
        opsCursor: row.cursor === null ? null : opsCursorCodec.decode(row.cursor, runtimeId),
      };
    },
    async readEvents(runtimeId, sinceSeq, limit) {
      const found = await rows(
        'events_since',
        `SELECT seq::text AS key, body FROM ${s.events} WHERE runtime_id = $1 AND seq > $2
         ORDER BY seq LIMIT $3`,
        [runtimeId, sinceSeq, pgLimit(limit)],
      );
      return found.map(({ key, body }) => eventCodec.decode(body, where(runtimeId, key)));
    },
    async readReceipts(runtimeId, sinceSeq, limit) {
      const found = await rows(
        'receipts_since',
        `SELECT run_id AS key, body FROM ${s.receipts} WHERE runtime_id = $1 AND seq > $2
         ORDER BY seq LIMIT $3`,
        [runtimeId, sinceSeq, pgLimit(limit)],
      );
      return found.map(({ key, body }) => receiptCodec.decode(body, where(runtimeId, key)));
    },
    async readTranscript(runtimeId, offset, limit) {
      const found = await rows(
        'transcript_from',
        `SELECT idx::text AS key, body FROM ${s.transcript} WHERE runtime_id = $1 AND idx >= $2
         ORDER BY idx LIMIT $3`,
        [runtimeId, Math.max(0, offset), pgLimit(limit)],
      );
      return found.map(({ key, body }) => transcriptCodec.decode(body, where(runtimeId, key)));
    },
    async readInput(runtimeId, inputId) {
      const [row] = await rows(
        'input',
        `SELECT input_id AS key, body FROM ${s.inputs} WHERE runtime_id = $1 AND input_id = $2`,
        [runtimeId, inputId],
      );
      return row === undefined ? null : inputCodec.decode(row.body, where(runtimeId, inputId));
    },
    // Served by the index inputs_by_idempotency_key; the first admitted, should a key be stored twice.
    async readInputByIdempotencyKey(runtimeId, idempotencyKey) {
      const [row] = await rows(
        'input_by_key',
        `SELECT input_id AS key, body FROM ${s.inputs}
         WHERE runtime_id = $1 AND idempotency_key = $2 ORDER BY seq LIMIT 1`,
        [runtimeId, idempotencyKey],
      );
      return row === undefined ? null : inputCodec.decode(row.body, where(runtimeId, row.key));
    },
  };
}
