// Applies one encoded commit batch inside the caller's SQLite transaction: checks, then writes.

import type Database from 'better-sqlite3';
import type { StoredFacts } from '../commit-checks.js';
import { checkAgainstStored, highWatersAfter } from '../commit-checks.js';
import type { EncodedBatch } from '../encoded-batch.js';
import type { FenceToken, RuntimeId } from '../runtime-store.js';

interface SessionFactsRow {
  readonly fence_token: number;
  readonly event_high_water: number;
  readonly receipt_high_water: number;
}

/** Applies a batch for a session; must run inside a write transaction (or savepoint). */
export type ApplyBatch = (
  runtimeId: RuntimeId,
  batch: EncodedBatch,
  fence: FenceToken | undefined,
) => void;

/** Prepares the commit statements once and returns the function that applies a batch with them. */
export function createApplyBatch(db: Database.Database): ApplyBatch {
  const facts = db.prepare<[string], SessionFactsRow>(
    'SELECT fence_token, event_high_water, receipt_high_water FROM sessions WHERE runtime_id = ?',
  );
  const transcriptLength = db
    .prepare<[string], number>(
      'SELECT COALESCE(MAX(idx) + 1, 0) FROM transcript WHERE runtime_id = ?',
    )
    .pluck();
  const receiptExists = db
    .prepare<[string, string], number>('SELECT 1 FROM receipts WHERE runtime_id = ? AND run_id = ?')
    .pluck();
  const inputAtSeq = db
    .prepare<[string, number], string>(
      'SELECT input_id FROM inputs WHERE runtime_id = ? AND seq = ?',
    )
    .pluck();
  const terminalInput = db
    .prepare<[string, string], string>(
      'SELECT body FROM inputs WHERE runtime_id = ? AND input_id = ? AND terminal = 1',
    )
    .pluck();
  const upsertSession = db.prepare<[string, number, number]>(
    `INSERT INTO sessions (runtime_id, committed, event_high_water, receipt_high_water) VALUES (?, 1, ?, ?)
     ON CONFLICT (runtime_id) DO UPDATE SET committed = 1,
       event_high_water = excluded.event_high_water, receipt_high_water = excluded.receipt_high_water`,
  );
  const setLifecycle = db.prepare<[string, string, number, string]>(
    'UPDATE sessions SET lifecycle = ?, phase = ?, bound = ? WHERE runtime_id = ?',
  );
  const upsertInput = db.prepare(
    `INSERT INTO inputs (runtime_id, input_id, seq, status, terminal, lane, attempts, idempotency_key,
       updated_at_ms, body)
     VALUES (@runtimeId, @inputId, @seq, @status, @terminal, @lane, @attempts, @idempotencyKey,
       @updatedAtMs, @body)
     ON CONFLICT (runtime_id, input_id) DO UPDATE SET seq = excluded.seq, status = excluded.status,
       terminal = excluded.terminal, lane = excluded.lane, attempts = excluded.attempts,
       idempotency_key = excluded.idempotency_key, updated_at_ms = excluded.updated_at_ms,
       body = excluded.body`,
  );
  // An input's admission facts (seq, lane, idempotency key) never change once stored, and most
  // commits keep its terminal flag too: these updates leave every index whose columns they do not
  // SET untouched, so rewriting an input dirties its own b-tree page only (inputs_by_seq,
  // inputs_live and inputs_by_idempotency_key stay as they were). The full upsert below is the
  // fallback when a row is new or changed a fact these leave alone.
  const updateInputKeepingIndexes = db.prepare(
    `UPDATE inputs SET status = @status, attempts = @attempts, updated_at_ms = @updatedAtMs,
       body = @body
     WHERE runtime_id = @runtimeId AND input_id = @inputId AND seq = @seq AND lane = @lane
       AND idempotency_key IS @idempotencyKey AND terminal = @terminal`,
  );
  const updateInputTerminal = db.prepare(
    `UPDATE inputs SET status = @status, terminal = @terminal, attempts = @attempts,
       updated_at_ms = @updatedAtMs, body = @body
     WHERE runtime_id = @runtimeId AND input_id = @inputId AND seq = @seq AND lane = @lane
       AND idempotency_key IS @idempotencyKey`,
  );
  const writeInput = (params: Record<string, unknown>): void => {
    if (updateInputKeepingIndexes.run(params).changes > 0) return;
    if (updateInputTerminal.run(params).changes > 0) return;
    upsertInput.run(params);
  };
  const insertReceipt = db.prepare<[string, string, number, number, string]>(
    'INSERT INTO receipts (runtime_id, run_id, seq, at_ms, body) VALUES (?, ?, ?, ?, ?)',
  );
  const insertMessage = db.prepare<[string, number, string, string]>(
    'INSERT INTO transcript (runtime_id, idx, run_id, body) VALUES (?, ?, ?, ?)',
  );
  const insertEvent = db.prepare<[string, number, string, number, string]>(
    'INSERT INTO events (runtime_id, seq, type, at_ms, body) VALUES (?, ?, ?, ?, ?)',
  );
  const deleteOperations = db.prepare<[string]>('DELETE FROM operations WHERE runtime_id = ?');
  const deleteCursor = db.prepare<[string]>('DELETE FROM ops_cursors WHERE runtime_id = ?');
  const upsertOperation = db.prepare(
    `INSERT INTO operations (runtime_id, operation_id, kind, status, terminal, completion_seq,
       finished_at_ms, body)
     VALUES (@runtimeId, @operationId, @kind, @status, @terminal, @completionSeq, @finishedAtMs, @body)
     ON CONFLICT (runtime_id, operation_id) DO UPDATE SET kind = excluded.kind,
       status = excluded.status, terminal = excluded.terminal, completion_seq = excluded.completion_seq,
       finished_at_ms = excluded.finished_at_ms, body = excluded.body`,
  );
  const upsertCursor = db.prepare<[string, string]>(
    `INSERT INTO ops_cursors (runtime_id, body) VALUES (?, ?)
     ON CONFLICT (runtime_id) DO UPDATE SET body = excluded.body`,
  );

  return (runtimeId, batch, fence) => {
    const row = facts.get(runtimeId);
    const stored: StoredFacts = {
      fenceToken: row?.fence_token ?? 0,
      eventHighWater: row?.event_high_water ?? 0,
      receiptHighWater: row?.receipt_high_water ?? 0,
      // Read only when the batch appends to the transcript.
      get transcriptLength() {
        return transcriptLength.get(runtimeId) ?? 0;
      },
      hasReceipt: (runId) => receiptExists.get(runtimeId, runId) !== undefined,
      inputAtSeq: (seq) => inputAtSeq.get(runtimeId, seq) ?? null,
      terminalInputBody: (inputId) => terminalInput.get(runtimeId, inputId) ?? null,
    };
    checkAgainstStored(runtimeId, batch, stored, fence);
    const highWaters = highWatersAfter(batch, stored);
    upsertSession.run(runtimeId, highWaters.eventHighWater, highWaters.receiptHighWater);
    const { lifecycle, receipt, opsCursor } = batch;
    if (lifecycle !== null) {
      setLifecycle.run(lifecycle.body, lifecycle.phase, lifecycle.bound ? 1 : 0, runtimeId);
    }
    for (const input of batch.inputs) {
      writeInput({ ...input, runtimeId, terminal: input.terminal ? 1 : 0 });
    }
    if (receipt !== null)
      insertReceipt.run(runtimeId, receipt.runId, receipt.seq, receipt.atMs, receipt.body);
    for (const entry of batch.transcript)
      insertMessage.run(runtimeId, entry.index, entry.runId, entry.body);
    for (const event of batch.events)
      insertEvent.run(runtimeId, event.seq, event.type, event.atMs, event.body);
    if (batch.deleteOperations) {
      deleteOperations.run(runtimeId);
      deleteCursor.run(runtimeId);
    }
    for (const op of batch.operations) {
      upsertOperation.run({ ...op, runtimeId, terminal: op.terminal ? 1 : 0 });
    }
    if (opsCursor !== null) upsertCursor.run(runtimeId, opsCursor);
  };
}
