// Reading a session's events: one key range of the events table, and the stream segments that give
// each compact row its id's epoch, from one snapshot.

import type Database from 'better-sqlite3';
import type { DurableEvent } from '../../core/runtime-event.js';
import type { RuntimeId } from '../runtime-store.js';
import { unpackEvent } from './compact-rows.js';

interface EventRow {
  readonly seq: number;
  readonly at_ms: number;
  readonly body: string;
}

interface SegmentRow {
  readonly first_seq: number;
  readonly epoch: string;
}

/** Prepares the event reads of `db`: the events of a session after `sinceSeq`, at most `limit` (-1: all). */
export function createEventReads(
  db: Database.Database,
): (runtimeId: RuntimeId, sinceSeq: number, limit: number) => DurableEvent[] {
  const sessionNo = `(SELECT session_no FROM sessions WHERE runtime_id = @runtimeId)`;
  const rows = db.prepare<{ runtimeId: string; since: number; limit: number }, EventRow>(
    `SELECT key & 4294967295 AS seq, at_ms, body FROM events
     WHERE key > (${sessionNo} << 32) + @since AND key < ((${sessionNo} + 1) << 32)
     ORDER BY key LIMIT @limit`,
  );
  const segments = db.prepare<{ runtimeId: string }, SegmentRow>(
    `SELECT first_seq, epoch FROM event_epochs WHERE session_no = ${sessionNo} ORDER BY first_seq`,
  );
  const read = db.transaction(
    (runtimeId: RuntimeId, sinceSeq: number, limit: number): DurableEvent[] => {
      // The seq is the key's low 32 bits: a `since` outside them reads from the start or nothing.
      const since = Math.min(Math.max(0, sinceSeq), 2 ** 32 - 1);
      const found = rows.all({ runtimeId, since, limit });
      if (found.length === 0) return [];
      const epochs = segments.all({ runtimeId });
      const epochOf = (seq: number): string | null => {
        let epoch: string | null = null;
        for (const segment of epochs) {
          if (segment.first_seq > seq) break;
          epoch = segment.epoch;
        }
        return epoch;
      };
      return found.map((row) => unpackEvent(runtimeId, row.seq, row.at_ms, row.body, epochOf));
    },
  );
  return (runtimeId, sinceSeq, limit) => read.deferred(runtimeId, sinceSeq, limit);
}
