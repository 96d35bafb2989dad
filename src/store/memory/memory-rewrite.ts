// The memory store's test hook underneath: rewrite one session's stored text for a kind of record.

import type { StoredRecordKind } from '../record-kinds.js';
import type { MemorySession } from './memory-session.js';

/** Replaces the body of every record of `kind` in `session` with `edit(body)`. */
export function rewriteSessionRecords(
  session: MemorySession,
  kind: StoredRecordKind,
  edit: (text: string) => string,
): void {
  const rewriteMap = <T extends { readonly body: string }>(records: Map<string, T>): void => {
    for (const [key, record] of records) records.set(key, { ...record, body: edit(record.body) });
  };
  switch (kind) {
    case 'lifecycle':
      if (session.lifecycle !== null)
        session.lifecycle = { ...session.lifecycle, body: edit(session.lifecycle.body) };
      return;
    case 'input':
      rewriteMap(session.inputs);
      return;
    case 'receipt':
      rewriteMap(session.receipts);
      return;
    case 'operation':
      rewriteMap(session.operations);
      return;
    case 'transcript':
      session.transcript.splice(0, session.transcript.length, ...session.transcript.map(edit));
      return;
    case 'event':
      session.events = session.events.map((event) => ({ ...event, body: edit(event.body) }));
      return;
    case 'opsCursor':
      if (session.opsCursor !== null) session.opsCursor = edit(session.opsCursor);
      return;
  }
}
