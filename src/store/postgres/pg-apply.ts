// Applies one encoded commit batch inside the caller's PostgreSQL transaction: lock, check, write.
//
// The session row is locked first (SELECT ... FOR UPDATE, or an upsert for a session never seen),
// so a claim by another host waits for this transaction and the fence read here is the one in force
// when it commits. The stored facts are read in a second statement, after the lock: under READ
// COMMITTED each statement takes a fresh snapshot, so they include whatever a previous holder of the
// lock committed. Writes are one multi-row statement per record kind.

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

interface LockRow {
  readonly fence_token: string;
  readonly event_high_water: string;
  readonly receipt_high_water: string;
}

interface FactsRow {
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
  const lock = statement(
    'lock',
    `SELECT fence_token, event_high_water, receipt_high_water FROM ${s.sessions}
     WHERE runtime_id = $1 FOR UPDATE`,
  );
  // A session never seen gets its row here (rolled back with the batch if the batch is refused).
  const create = statement(
    'create',
    `INSERT INTO ${s.sessions} (runtime_id) VALUES ($1)
     ON CONFLICT (runtime_id) DO UPDATE SET runtime_id = excluded.runtime_id
     RETURNING fence_token, event_high_water, receipt_high_water`,
  );
  const facts = statement(
    'facts',
    `SELECT
       (SELECT COALESCE(MAX(idx) + 1, 0) FROM ${s.transcript} WHERE runtime_id = $1) AS transcript_length,
       EXISTS (SELECT 1 FROM ${s.receipts} WHERE runtime_id = $1 AND run_id = $2) AS has_receipt,
       (SELECT json_agg(json_build_array(input_id, seq, CASE WHEN terminal THEN body END))
        FROM ${s.inputs} WHERE runtime_id = $1
          AND (input_id = ANY($3::text[]) OR seq = ANY($4::bigint[]))) AS inputs`,
  );
  const updateSession = statement(
    'session',
    `UPDATE ${s.sessions} SET committed = true, event_high_water = $2, receipt_high_water = $3,
       lifecycle = COALESCE($4, lifecycle), phase = COALESCE($5, phase),
       bound = COALESCE($6, bound), epoch_id = COALESCE($7, epoch_id)
     WHERE runtime_id = $1`,
  );
  const upsertInputs = statement(
    'inputs',
    `INSERT INTO ${s.inputs} (runtime_id, input_id, seq, status, terminal, lane, attempts,
       idempotency_key, updated_at_ms, body)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::boolean[], $6::text[],
       $7::integer[], $8::text[], $9::bigint[], $10::text[])
     ON CONFLICT (runtime_id, input_id) DO UPDATE SET seq = excluded.seq, status = excluded.status,
       terminal = excluded.terminal, lane = excluded.lane, attempts = excluded.attempts,
       idempotency_key = excluded.idempotency_key, updated_at_ms = excluded.updated_at_ms,
       body = excluded.body`,
  );
  const insertReceipt = statement(
    'receipt',
    `INSERT INTO ${s.receipts} (runtime_id, run_id, seq, at_ms, body) VALUES ($1, $2, $3, $4, $5)`,
  );
  const insertTranscript = statement(
    'transcript',
    `INSERT INTO ${s.transcript} (runtime_id, idx, run_id, body)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[])`,
  );
  const insertEvents = statement(
    'events',
    `INSERT INTO ${s.events} (runtime_id, seq, type, at_ms, body)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[])`,
  );
  const deleteOperations = statement(
    'delete_ops',
    `WITH ops AS (DELETE FROM ${s.operations} WHERE runtime_id = $1)
     DELETE FROM ${s.opsCursors} WHERE runtime_id = $1`,
  );
  const upsertOperations = statement(
    'operations',
    `INSERT INTO ${s.operations} (runtime_id, operation_id, kind, status, terminal, completion_seq,
       finished_at_ms, body)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::bigint[],
       $7::bigint[], $8::text[])
     ON CONFLICT (runtime_id, operation_id) DO UPDATE SET kind = excluded.kind,
       status = excluded.status, terminal = excluded.terminal,
       completion_seq = excluded.completion_seq, finished_at_ms = excluded.finished_at_ms,
       body = excluded.body`,
  );
  const upsertCursor = statement(
    'cursor',
    `INSERT INTO ${s.opsCursors} (runtime_id, body) VALUES ($1, $2)
     ON CONFLICT (runtime_id) DO UPDATE SET body = excluded.body`,
  );

  const readFacts = async (
    client: PoolClient,
    runtimeId: RuntimeId,
    batch: EncodedBatch,
  ): Promise<StoredFacts> => {
    const locked =
      (await client.query<LockRow>(lock([runtimeId]))).rows[0] ??
      (await client.query<LockRow>(create([runtimeId]))).rows[0];
    if (locked === undefined) throw new Error(`no session row for ${runtimeId} after the upsert`);
    const needsFacts =
      batch.transcript.length > 0 || batch.receipt !== null || batch.inputs.length > 0;
    const row = needsFacts
      ? (
          await client.query<FactsRow>(
            facts([
              runtimeId,
              batch.receipt?.runId ?? null,
              batch.inputs.map((input) => input.inputId),
              batch.inputs.map((input) => input.seq),
            ]),
          )
        ).rows[0]
      : undefined;
    const stored = row?.inputs ?? [];
    return {
      fenceToken: Number(locked.fence_token),
      eventHighWater: Number(locked.event_high_water),
      receiptHighWater: Number(locked.receipt_high_water),
      transcriptLength: Number(row?.transcript_length ?? 0),
      hasReceipt: () => row?.has_receipt === true,
      inputAtSeq: (seq) => stored.find(([, storedSeq]) => storedSeq === seq)?.[0] ?? null,
      terminalInputBody: (inputId) => stored.find(([id]) => id === inputId)?.[2] ?? null,
    };
  };

  return async (client, runtimeId, batch, fence) => {
    const stored = await readFacts(client, runtimeId, batch);
    checkAgainstStored(runtimeId, batch, stored, fence);
    const highWaters = highWatersAfter(batch, stored);
    const { lifecycle, receipt, inputs, transcript, events, operations, opsCursor } = batch;
    await client.query(
      updateSession([
        runtimeId,
        highWaters.eventHighWater,
        highWaters.receiptHighWater,
        lifecycle?.body ?? null,
        lifecycle?.phase ?? null,
        lifecycle?.bound ?? null,
        lifecycle?.epochId ?? null,
      ]),
    );
    if (inputs.length > 0) {
      await client.query(
        upsertInputs([
          runtimeId,
          inputs.map((i) => i.inputId),
          inputs.map((i) => i.seq),
          inputs.map((i) => i.status),
          inputs.map((i) => i.terminal),
          inputs.map((i) => i.lane),
          inputs.map((i) => i.attempts),
          inputs.map((i) => i.idempotencyKey),
          inputs.map((i) => i.updatedAtMs),
          inputs.map((i) => i.body),
        ]),
      );
    }
    if (receipt !== null) {
      await client.query(
        insertReceipt([runtimeId, receipt.runId, receipt.seq, receipt.atMs, receipt.body]),
      );
    }
    if (transcript.length > 0) {
      await client.query(
        insertTranscript([
          runtimeId,
          transcript.map((m) => m.index),
          transcript.map((m) => m.runId),
          transcript.map((m) => m.body),
        ]),
      );
    }
    if (events.length > 0) {
      await client.query(
        insertEvents([
          runtimeId,
          events.map((e) => e.seq),
          events.map((e) => e.type),
          events.map((e) => e.atMs),
          events.map((e) => e.body),
        ]),
      );
    }
    if (batch.deleteOperations) await client.query(deleteOperations([runtimeId]));
    if (operations.length > 0) {
      await client.query(
        upsertOperations([
          runtimeId,
          operations.map((o) => o.operationId),
          operations.map((o) => o.kind),
          operations.map((o) => o.status),
          operations.map((o) => o.terminal),
          operations.map((o) => o.completionSeq),
          operations.map((o) => o.finishedAtMs),
          operations.map((o) => o.body),
        ]),
      );
    }
    if (opsCursor !== null) await client.query(upsertCursor([runtimeId, opsCursor]));
  };
}
