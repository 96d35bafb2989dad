// Applies one encoded commit batch inside the caller's PostgreSQL transaction: lock, check, write.
//
// Two statements, because round trips are what a PostgreSQL commit costs (measured: ~0.2 ms each on
// this machine, more than the fsync of COMMIT). The first locks the session row (SELECT ... FOR
// UPDATE) and reads the stored facts the checks need; a claim by another host waits for this
// transaction, and the fence read is the one in force when it commits. The second writes every
// record kind at once (data-modifying CTEs, multi-row unnest inserts).
//
// Why one statement may both lock and read: its subqueries read the snapshot taken when the
// statement started, so if it had to wait for another writer of the same session, what that writer
// committed meanwhile would be missing from the facts. The fence is exempt (FOR UPDATE returns the
// latest version of the locked row), and two writers of one session that both pass the fence check
// hold the same fence: the same host, whose commit queue runs one transaction at a time. A session
// never seen has no row to lock: it is created by an upsert, and the facts are then read again by a
// new statement.

import type { PoolClient, QueryConfig } from 'pg';
import type { StoredFacts } from '../commit-checks.js';
import { checkAgainstStored, highWatersAfter } from '../commit-checks.js';
import type { EncodedBatch } from '../encoded-batch.js';
import type { FenceToken, RuntimeId } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';

/** Applies a batch for a session; must run inside a transaction (or savepoint) on `client`. */
export type PgApplyBatch = (
  client: PoolClient,
  runtimeId: RuntimeId,
  batch: EncodedBatch,
  fence: FenceToken | undefined,
) => Promise<void>;

interface FactsRow {
  readonly fence_token: string;
  readonly event_high_water: string;
  readonly receipt_high_water: string;
  readonly transcript_length: string;
  readonly has_receipt: boolean;
  /** [input_id, seq, body when terminal] of stored inputs sharing an id or a seq with the batch. */
  readonly inputs: [string, number, string | null][] | null;
}

/** Builds the statements once (named, so each connection prepares them once) and returns apply. */
export function createPgApply(schema: PgSchema): PgApplyBatch {
  const s = schema;
  const statement = (
    name: string,
    text: string,
  ): ((values: unknown[]) => QueryConfig<unknown[]>) => {
    const fullName = `burrow_${s.name}_${name}`;
    return (values) => ({ name: fullName, text, values });
  };
  // $2: the batch's receipt run id (or null); $3, $4: its input ids and seqs; $5: it appends to the
  // transcript (the MAX is read only then).
  const lockAndRead = statement(
    'lock',
    `SELECT s.fence_token, s.event_high_water, s.receipt_high_water,
       CASE WHEN $5::boolean
         THEN (SELECT COALESCE(MAX(idx) + 1, 0) FROM ${s.transcript} WHERE runtime_id = $1)
         ELSE 0 END AS transcript_length,
       ($2::text IS NOT NULL
         AND EXISTS (SELECT 1 FROM ${s.receipts} WHERE runtime_id = $1 AND run_id = $2)) AS has_receipt,
       CASE WHEN cardinality($3::text[]) > 0 THEN
         (SELECT json_agg(json_build_array(input_id, seq, CASE WHEN terminal THEN body END))
          FROM ${s.inputs} WHERE runtime_id = $1
            AND (input_id = ANY($3::text[]) OR seq = ANY($4::bigint[]))) END AS inputs
     FROM ${s.sessions} s WHERE s.runtime_id = $1 FOR UPDATE OF s`,
  );
  // A session never seen gets its row here (rolled back with the batch if the batch is refused).
  const create = statement(
    'create',
    `INSERT INTO ${s.sessions} (runtime_id) VALUES ($1) ON CONFLICT (runtime_id) DO NOTHING`,
  );
  const deleteOperations = statement(
    'delete_ops',
    `WITH ops AS (DELETE FROM ${s.operations} WHERE runtime_id = $1)
     DELETE FROM ${s.opsCursors} WHERE runtime_id = $1`,
  );
  // Every part runs even when its arrays are empty (data-modifying CTEs always run to completion);
  // an empty unnest inserts nothing. No two parts touch the same table. A batch with events NOTIFYs
  // the store's channel: delivered at COMMIT (dropped with a rolled-back savepoint), it wakes the
  // event tails of other hosts (issue 11, item 5); they read the events by seq from the table.
  const write = statement(
    'write',
    `WITH
     session AS (
       UPDATE ${s.sessions} SET committed = true, event_high_water = $2, receipt_high_water = $3,
         lifecycle = COALESCE($4, lifecycle), phase = COALESCE($5, phase),
         bound = COALESCE($6, bound), epoch_id = COALESCE($7, epoch_id)
       WHERE runtime_id = $1),
     inputs AS (
       INSERT INTO ${s.inputs} (runtime_id, input_id, seq, status, terminal, lane, attempts,
         idempotency_key, updated_at_ms, body)
       SELECT $1, * FROM unnest($8::text[], $9::bigint[], $10::text[], $11::boolean[], $12::text[],
         $13::integer[], $14::text[], $15::bigint[], $16::text[])
       ON CONFLICT (runtime_id, input_id) DO UPDATE SET seq = excluded.seq,
         status = excluded.status, terminal = excluded.terminal, lane = excluded.lane,
         attempts = excluded.attempts, idempotency_key = excluded.idempotency_key,
         updated_at_ms = excluded.updated_at_ms, body = excluded.body),
     receipt AS (
       INSERT INTO ${s.receipts} (runtime_id, run_id, seq, at_ms, body)
       SELECT $1, $17::text, $18::bigint, $19::bigint, $20::text WHERE $17::text IS NOT NULL),
     transcript AS (
       INSERT INTO ${s.transcript} (runtime_id, idx, run_id, body)
       SELECT $1, * FROM unnest($21::bigint[], $22::text[], $23::text[])),
     events AS (
       INSERT INTO ${s.events} (runtime_id, seq, type, at_ms, body)
       SELECT $1, * FROM unnest($24::bigint[], $25::text[], $26::bigint[], $27::text[])),
     operations AS (
       INSERT INTO ${s.operations} (runtime_id, operation_id, kind, status, terminal,
         completion_seq, finished_at_ms, body)
       SELECT $1, * FROM unnest($28::text[], $29::text[], $30::text[], $31::boolean[],
         $32::bigint[], $33::bigint[], $34::text[])
       ON CONFLICT (runtime_id, operation_id) DO UPDATE SET kind = excluded.kind,
         status = excluded.status, terminal = excluded.terminal,
         completion_seq = excluded.completion_seq, finished_at_ms = excluded.finished_at_ms,
         body = excluded.body),
     cursor AS (
       INSERT INTO ${s.opsCursors} (runtime_id, body) SELECT $1, $35::text WHERE $35::text IS NOT NULL
       ON CONFLICT (runtime_id) DO UPDATE SET body = excluded.body)
     SELECT pg_notify($36, 'e:' || $1) WHERE cardinality($24::bigint[]) > 0`,
  );

  const readFacts = async (
    client: PoolClient,
    runtimeId: RuntimeId,
    batch: EncodedBatch,
  ): Promise<StoredFacts> => {
    const values = [
      runtimeId,
      batch.receipt?.runId ?? null,
      batch.inputs.map((input) => input.inputId),
      batch.inputs.map((input) => input.seq),
      batch.transcript.length > 0,
    ];
    let row = (await client.query<FactsRow>(lockAndRead(values))).rows[0];
    if (row === undefined) {
      await client.query(create([runtimeId]));
      row = (await client.query<FactsRow>(lockAndRead(values))).rows[0];
    }
    if (row === undefined) throw new Error(`no session row for ${runtimeId} after creating it`);
    const stored = row.inputs ?? [];
    return {
      fenceToken: Number(row.fence_token),
      eventHighWater: Number(row.event_high_water),
      receiptHighWater: Number(row.receipt_high_water),
      transcriptLength: Number(row.transcript_length),
      hasReceipt: () => row.has_receipt,
      inputAtSeq: (seq) => stored.find(([, storedSeq]) => storedSeq === seq)?.[0] ?? null,
      terminalInputChanged: (input) => {
        const body = stored.find(([id]) => id === input.inputId)?.[2] ?? null;
        return body !== null && body !== input.body;
      },
    };
  };

  return async (client, runtimeId, batch, fence) => {
    const stored = await readFacts(client, runtimeId, batch);
    checkAgainstStored(runtimeId, batch, stored, fence);
    const highWaters = highWatersAfter(batch, stored);
    const { lifecycle, receipt, inputs, transcript, events, operations } = batch;
    if (batch.deleteOperations) await client.query(deleteOperations([runtimeId]));
    await client.query(
      write([
        runtimeId,
        highWaters.eventHighWater,
        highWaters.receiptHighWater,
        lifecycle?.body ?? null,
        lifecycle?.phase ?? null,
        lifecycle?.bound ?? null,
        lifecycle?.epochId ?? null,
        inputs.map((i) => i.inputId),
        inputs.map((i) => i.seq),
        inputs.map((i) => i.status),
        inputs.map((i) => i.terminal),
        inputs.map((i) => i.lane),
        inputs.map((i) => i.attempts),
        inputs.map((i) => i.idempotencyKey),
        inputs.map((i) => i.updatedAtMs),
        inputs.map((i) => i.body),
        receipt?.runId ?? null,
        receipt?.seq ?? null,
        receipt?.atMs ?? null,
        receipt?.body ?? null,
        transcript.map((m) => m.index),
        transcript.map((m) => m.runId),
        transcript.map((m) => m.body),
        events.map((e) => e.seq),
        events.map((e) => e.type),
        events.map((e) => e.atMs),
        events.map((e) => e.body),
        operations.map((o) => o.operationId),
        operations.map((o) => o.kind),
        operations.map((o) => o.status),
        operations.map((o) => o.terminal),
        operations.map((o) => o.completionSeq),
        operations.map((o) => o.finishedAtMs),
        operations.map((o) => o.body),
        batch.opsCursor,
        schema.channelName,
      ]),
    );
  };
}
