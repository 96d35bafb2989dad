// Applies one encoded commit batch inside the caller's SQLite transaction: checks, then writes.

import type Database from 'better-sqlite3';
import type { StoredFacts } from '../commit-checks.js';
import { checkAgainstStored, highWatersAfter } from '../commit-checks.js';
import type { EncodedBatch } from '../encoded-batch.js';
import type { FenceToken, RuntimeId } from '../runtime-store.js';
import { inputCodec } from '../codecs/record-codecs.js';
import { packInput } from './compact-rows.js';
import { createEventWrites, planEvents } from './sqlite-event-writes.js';
import type { StoredInputRow } from './sqlite-input-writes.js';
import { createInputWrites, liveDelta } from './sqlite-input-writes.js';

interface SessionFactsRow {
  readonly fence_token: number;
  readonly event_high_water: number;
  readonly receipt_high_water: number;
  readonly event_epoch: string | null;
  readonly session_no: number | null;
}

/**
 * The body a stored input row would have if this build wrote it: a row written before the compact
 * form (whole JSON) is re-encoded, so a rewrite of a stored terminal input compares like with like.
 */
function storedForm(runtimeId: RuntimeId, body: string): string {
  if (!body.startsWith('{')) return body;
  const record = inputCodec.decode(body, runtimeId);
  return packInput(runtimeId, record) ?? JSON.stringify(record);
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
    `SELECT fence_token, event_high_water, receipt_high_water, event_epoch, session_no FROM sessions
     WHERE runtime_id = ?`,
  );
  const transcriptLength = db
    .prepare<[string], number>(
      'SELECT COALESCE(MAX(idx) + 1, 0) FROM transcript WHERE runtime_id = ?',
    )
    .pluck();
  const receiptExists = db
    .prepare<[string, string], number>('SELECT 1 FROM receipts WHERE runtime_id = ? AND run_id = ?')
    .pluck();
  const inputs = createInputWrites(db);
  // A new row's counts start from the batch's delta; a stored row's move by it. A session gets its
  // number at its first commit (a claim alone may have made the row).
  const upsertSession = db
    .prepare<[string, number, number, number, number, number, string | null], number>(
      `INSERT INTO sessions (runtime_id, committed, event_high_water, receipt_high_water, live_queue,
         live_steer, live_other, event_epoch, session_no)
       VALUES (?, 1, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(session_no), 0) + 1 FROM sessions))
       ON CONFLICT (runtime_id) DO UPDATE SET committed = 1,
         event_high_water = excluded.event_high_water, receipt_high_water = excluded.receipt_high_water,
         live_queue = live_queue + excluded.live_queue, live_steer = live_steer + excluded.live_steer,
         live_other = live_other + excluded.live_other, event_epoch = excluded.event_epoch,
         session_no = COALESCE(session_no, excluded.session_no)
       RETURNING session_no`,
    )
    .pluck();
  // The same for a session that already has its number. SQLite rewrites the entries of every index
  // whose column an UPDATE sets, changed or not: leaving `session_no` out of the SET keeps the
  // sessions_by_no page clean, one page fewer in every commit's WAL.
  const updateSession = db.prepare<[number, number, number, number, number, string | null, string]>(
    `UPDATE sessions SET committed = 1, event_high_water = ?, receipt_high_water = ?,
       live_queue = live_queue + ?, live_steer = live_steer + ?, live_other = live_other + ?,
       event_epoch = ?
     WHERE runtime_id = ?`,
  );
  const setLifecycle = db.prepare<[string, string, number, string]>(
    'UPDATE sessions SET lifecycle = ?, phase = ?, bound = ? WHERE runtime_id = ?',
  );
  const insertReceipt = db.prepare<[string, string, number, number, string]>(
    'INSERT INTO receipts (runtime_id, run_id, seq, at_ms, body) VALUES (?, ?, ?, ?, ?)',
  );
  const insertMessage = db.prepare<[string, number, string, string]>(
    'INSERT INTO transcript (runtime_id, idx, run_id, body) VALUES (?, ?, ?, ?)',
  );
  const writeEvents = createEventWrites(db);
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
    // Each input's stored row, read once (before anything of this batch is written).
    const storedRows = new Map<string, StoredInputRow | null>();
    const storedInput = (inputId: string): StoredInputRow | null => {
      let stored = storedRows.get(inputId);
      if (stored === undefined) {
        stored = inputs.stored(runtimeId, inputId);
        storedRows.set(inputId, stored);
      }
      return stored;
    };
    const stored: StoredFacts = {
      fenceToken: row?.fence_token ?? 0,
      eventHighWater: row?.event_high_water ?? 0,
      receiptHighWater: row?.receipt_high_water ?? 0,
      // Read only when the batch appends to the transcript.
      get transcriptLength() {
        return transcriptLength.get(runtimeId) ?? 0;
      },
      hasReceipt: (runId) => receiptExists.get(runtimeId, runId) !== undefined,
      inputAtSeq: (seq) => {
        // An input of this batch already stored with this seq holds it (seqs are unique).
        const mine = batch.inputs.find((input) => input.seq === seq);
        if (mine !== undefined && storedInput(mine.inputId)?.seq === seq) return mine.inputId;
        return inputs.holderOfSeq(runtimeId, seq);
      },
      terminalInputChanged: (input) => {
        const row = storedInput(input.inputId);
        if (row === null || row.terminal !== 1) return false;
        return storedForm(runtimeId, row.body) !== input.body;
      },
    };
    checkAgainstStored(runtimeId, batch, stored, fence);
    const highWaters = highWatersAfter(batch, stored);
    const live = liveDelta(batch.inputs, storedInput);
    const events = planEvents(runtimeId, batch.events, row?.event_epoch ?? null);
    const counts = [
      highWaters.eventHighWater,
      highWaters.receiptHighWater,
      live.queue,
      live.steer,
      live.other,
    ] as const;
    let sessionNo = row?.session_no ?? undefined;
    if (sessionNo === undefined) sessionNo = upsertSession.get(runtimeId, ...counts, events.epoch);
    else updateSession.run(...counts, events.epoch, runtimeId);
    if (sessionNo === undefined) throw new Error(`${runtimeId}: the session row has no number`);
    const { lifecycle, receipt, opsCursor } = batch;
    if (lifecycle !== null) {
      setLifecycle.run(lifecycle.body, lifecycle.phase, lifecycle.bound ? 1 : 0, runtimeId);
    }
    for (const input of batch.inputs)
      inputs.write(runtimeId, sessionNo, input, storedInput(input.inputId));
    if (receipt !== null)
      insertReceipt.run(runtimeId, receipt.runId, receipt.seq, receipt.atMs, receipt.body);
    for (const entry of batch.transcript)
      insertMessage.run(runtimeId, entry.index, entry.runId, entry.body);
    writeEvents(sessionNo, events);
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
