// The raw floor of the PostgreSQL durable-turn benchmark: commit batches written straight to pg, one
// transaction each, as JSON text in plain (key, body) tables — no row lock, checks, fence or
// validation, one named INSERT per record.

import pg from 'pg';
import type { CommitBatch } from '../src/store/runtime-store.js';

/** A schema that receives commit batches the floor's way. */
export interface PgRawFloor {
  /** Writes `batch` in one BEGIN ... COMMIT transaction. */
  write(batch: CommitBatch): Promise<void>;
  close(): Promise<void>;
}

/** Creates the floor's tables in a new schema `schema` and returns its writer (one connection). */
export async function openPgRawFloor(url: string, schema: string): Promise<PgRawFloor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const s = `"${schema}"`;
  await client.query(`CREATE SCHEMA ${s};
    CREATE TABLE ${s}.sessions (id text PRIMARY KEY, body text NOT NULL);
    CREATE TABLE ${s}.inputs (id text PRIMARY KEY, body text NOT NULL);
    CREATE TABLE ${s}.receipts (id text PRIMARY KEY, body text NOT NULL);
    CREATE TABLE ${s}.transcript (idx bigint PRIMARY KEY, body text NOT NULL);
    CREATE TABLE ${s}.events (seq bigint PRIMARY KEY, body text NOT NULL)`);
  const run = (name: string, text: string, values: unknown[]) =>
    client.query({ name: `floor_${schema}_${name}`, text, values });
  return {
    async write(batch) {
      await client.query('BEGIN');
      if (batch.lifecycle !== undefined) {
        await run(
          'session',
          `INSERT INTO ${s}.sessions VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
          ['s1', JSON.stringify(batch.lifecycle)],
        );
      }
      for (const r of batch.inputs ?? []) {
        await run(
          'input',
          `INSERT INTO ${s}.inputs VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
          [r.header.inputId, JSON.stringify(r)],
        );
      }
      if (batch.receipt !== undefined) {
        await run('receipt', `INSERT INTO ${s}.receipts VALUES ($1, $2)`, [
          batch.receipt.runId,
          JSON.stringify(batch.receipt),
        ]);
      }
      for (const m of batch.transcript ?? []) {
        await run('message', `INSERT INTO ${s}.transcript VALUES ($1, $2)`, [
          m.index,
          JSON.stringify(m),
        ]);
      }
      for (const e of batch.events ?? []) {
        await run('event', `INSERT INTO ${s}.events VALUES ($1, $2)`, [e.seq, JSON.stringify(e)]);
      }
      await client.query('COMMIT');
    },
    close: () => client.end(),
  };
}
