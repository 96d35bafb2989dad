// Writing events inside a commit: compact bodies keyed by `session_no << 32 | seq`, and a new stream
// segment in `event_epochs` whenever the events' ids name an epoch other than the session's last.

import type Database from 'better-sqlite3';
import type { EncodedEvent } from '../encoded-batch.js';
import type { RuntimeId } from '../runtime-store.js';
import { invalidBatch } from '../store-errors.js';

/** The largest seq an event key holds (its low 32 bits). */
const MAX_EVENT_SEQ = 2 ** 32 - 1;

interface EventRow {
  readonly seq: number;
  readonly atMs: number;
  readonly body: string;
}

/** A batch's events as they will be written, and the session's epoch after them. */
export interface PlannedEvents {
  readonly rows: readonly EventRow[];
  readonly segments: readonly { readonly firstSeq: number; readonly epoch: string }[];
  readonly epoch: string | null;
}

/**
 * The rows and stream segments of `events`, given the session's current `epoch` (null when none).
 * Throws `internal` for a seq beyond the key's 32 bits.
 */
export function planEvents(
  runtimeId: RuntimeId,
  events: readonly EncodedEvent[],
  epoch: string | null,
): PlannedEvents {
  const rows: EventRow[] = [];
  const segments: { firstSeq: number; epoch: string }[] = [];
  let current = epoch;
  for (const event of events) {
    if (event.seq > MAX_EVENT_SEQ)
      throw invalidBatch(runtimeId, `event seq ${event.seq} is beyond ${MAX_EVENT_SEQ}`);
    if (event.epoch !== null && event.epoch !== current) {
      segments.push({ firstSeq: event.seq, epoch: event.epoch });
      current = event.epoch;
    }
    rows.push({ seq: event.seq, atMs: event.atMs, body: event.body });
  }
  return { rows, segments, epoch: current };
}

/** Prepares the event statements of `db`; the returned function writes planned events. */
export function createEventWrites(
  db: Database.Database,
): (sessionNo: number, planned: PlannedEvents) => void {
  const insertEvent = db.prepare<[number, number, number, string]>(
    'INSERT INTO events (key, at_ms, body) VALUES ((? << 32) + ?, ?, ?)',
  );
  const insertSegment = db.prepare<[number, number, string]>(
    'INSERT INTO event_epochs (session_no, first_seq, epoch) VALUES (?, ?, ?)',
  );
  return (sessionNo, planned) => {
    for (const segment of planned.segments)
      insertSegment.run(sessionNo, segment.firstSeq, segment.epoch);
    for (const row of planned.rows) insertEvent.run(sessionNo, row.seq, row.atMs, row.body);
  };
}
