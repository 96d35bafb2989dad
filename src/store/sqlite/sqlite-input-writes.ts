// Writing input rows inside a commit: each input's stored row is read once, and the row is then
// rewritten with the statement that touches the fewest b-trees.

import type Database from 'better-sqlite3';
import type { EncodedInput } from '../encoded-batch.js';
import type { RuntimeId } from '../runtime-store.js';

/** The stored columns of an input that decide how a new version of it is written. */
export interface StoredInputRow {
  readonly seq: number;
  readonly lane: string;
  readonly idempotency_key: string | null;
  readonly terminal: number;
  readonly body: string;
}

/** The input statements of one database, prepared once. */
export interface InputWrites {
  /** The stored row of `inputId`, or null. */
  stored(runtimeId: RuntimeId, inputId: string): StoredInputRow | null;
  /** The id of the stored input holding admission `seq`, or null. */
  holderOfSeq(runtimeId: RuntimeId, seq: number): string | null;
  /** Writes `input` over `stored` (what {@link stored} returned before this commit wrote anything). */
  write(
    runtimeId: RuntimeId,
    sessionNo: number,
    input: EncodedInput,
    stored: StoredInputRow | null,
  ): void;
}

/** Prepares the input statements of `db`. */
export function createInputWrites(db: Database.Database): InputWrites {
  const stored = db.prepare<[string, string], StoredInputRow>(
    `SELECT key & 4294967295 AS seq, lane, idempotency_key, terminal, body FROM inputs
     WHERE runtime_id = ? AND input_id = ?`,
  );
  const holder = db
    .prepare<[string, number], string>(
      `SELECT input_id FROM inputs
       WHERE key = ((SELECT session_no FROM sessions WHERE runtime_id = ?) << 32) + ?`,
    )
    .pluck();
  // Positional parameters: binding them is cheaper than looking up named ones in an object.
  const upsert = db.prepare<
    [number, number, string, string, number, string, string | null, number, string]
  >(
    `INSERT INTO inputs (key, runtime_id, input_id, terminal, lane, idempotency_key, updated_at_ms,
       body)
     VALUES ((? << 32) + ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (runtime_id, input_id) DO UPDATE SET key = excluded.key,
       terminal = excluded.terminal, lane = excluded.lane, idempotency_key = excluded.idempotency_key,
       updated_at_ms = excluded.updated_at_ms, body = excluded.body`,
  );
  // An input's admission facts (seq, lane, idempotency key) never change once stored. SQLite
  // rewrites only the indexes whose columns an UPDATE sets, so leaving those out of the SET keeps
  // inputs_by_id and inputs_by_idempotency_key as they were: rewriting an input then dirties its
  // own b-tree page only (found by its key, `session_no << 32 | seq`). The full upsert remains for a
  // new row, or one whose admission facts changed (which the runtime never writes, but the store
  // still accepts). The terminal flag is set only when it changes.
  const update = db.prepare<[number, string, number, number]>(
    'UPDATE inputs SET updated_at_ms = ?, body = ? WHERE key = (? << 32) + ?',
  );
  const updateWithTerminal = db.prepare<[number, number, string, number, number]>(
    'UPDATE inputs SET terminal = ?, updated_at_ms = ?, body = ? WHERE key = (? << 32) + ?',
  );
  return {
    stored: (runtimeId, inputId) => stored.get(runtimeId, inputId) ?? null,
    holderOfSeq: (runtimeId, seq) => holder.get(runtimeId, seq) ?? null,
    write(runtimeId, sessionNo, input, row) {
      const terminal = input.terminal ? 1 : 0;
      const { seq, updatedAtMs, body } = input;
      if (
        row === null ||
        row.seq !== seq ||
        row.lane !== input.lane ||
        row.idempotency_key !== input.idempotencyKey
      ) {
        const { inputId, lane, idempotencyKey } = input;
        upsert.run(
          sessionNo,
          seq,
          runtimeId,
          inputId,
          terminal,
          lane,
          idempotencyKey,
          updatedAtMs,
          body,
        );
      } else if (row.terminal === terminal) update.run(updatedAtMs, body, sessionNo, seq);
      else updateWithTerminal.run(terminal, updatedAtMs, body, sessionNo, seq);
    },
  };
}

/** How a batch changes a session's live-input counts per lane (the session row's columns). */
export interface LiveDelta {
  readonly queue: number;
  readonly steer: number;
  readonly other: number;
}

/**
 * The change in live (non-terminal) inputs per lane when `inputs` replace their stored rows: a
 * stored live row leaves its lane's count, a new live version joins its own.
 */
export function liveDelta(
  inputs: readonly EncodedInput[],
  storedOf: (inputId: string) => StoredInputRow | null,
): LiveDelta {
  const delta = { queue: 0, steer: 0, other: 0 };
  const slot = (lane: string): 'queue' | 'steer' | 'other' =>
    lane === 'queue' || lane === 'steer' ? lane : 'other';
  for (const input of inputs) {
    const row = storedOf(input.inputId);
    if (row !== null && row.terminal === 0) delta[slot(row.lane)] -= 1;
    if (!input.terminal) delta[slot(input.lane)] += 1;
  }
  return delta;
}
