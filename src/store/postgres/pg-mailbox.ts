// The ingress mailbox on PostgreSQL (issue 11, item 3): one statement per method. Posting and
// answering NOTIFY in the same statement, so the wake-up is delivered when (and only if) the row is
// committed; the wake-up names the session or the request, never carries the data.

import type { Pool, QueryConfig } from 'pg';
import type { JsonValue } from '../../core/json.js';
import type { MailboxMethods, MailboxRequest, RuntimeId } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';

interface RequestRow {
  request_id: string;
  runtime_id: RuntimeId;
  from_host: string;
  body: string;
  posted_at_ms: string;
}

function parseBody(text: string): JsonValue {
  // The mailbox holds JSON this store wrote (JSON.stringify of a JsonValue).
  return JSON.parse(text) as JsonValue;
}

function requestOf(row: RequestRow): MailboxRequest {
  return {
    requestId: row.request_id,
    runtimeId: row.runtime_id,
    fromHost: row.from_host,
    body: parseBody(row.body),
    postedAt: Number(row.posted_at_ms),
  };
}

/** The mailbox statements of `schema`, run on `pool`. */
export function createPgMailbox(pool: Pool, schema: PgSchema): MailboxMethods {
  const m = schema.mailbox;
  const s = schema.sessions;
  const statement =
    (name: string, text: string) =>
    (values: unknown[]): QueryConfig<unknown[]> => ({
      name: `burrow_${schema.name}_mb_${name}`,
      text,
      values,
    });
  const post = statement(
    'post',
    `WITH posted AS (
       INSERT INTO ${m} (request_id, runtime_id, from_host, body, posted_at_ms)
       VALUES ($1, $2, $3, $4, $5) RETURNING runtime_id)
     SELECT pg_notify($6, 'm:' || runtime_id) FROM posted`,
  );
  // Takes the unanswered requests of the sessions whose live lease the host holds, skipping those an
  // owner took under the current fence; SKIP LOCKED keeps two pollers of one host from waiting on
  // each other. RETURNING gives no order: the caller sorts by seq.
  const take = statement(
    'take',
    `WITH mine AS (
       SELECT m.request_id, l.fence_token FROM ${m} m
       JOIN ${s} l ON l.runtime_id = m.runtime_id
       WHERE m.answer IS NULL AND l.owner_host = $1 AND l.lease_expires_at > $2
         AND (m.taken_fence IS NULL OR m.taken_fence < l.fence_token)
       ORDER BY m.seq LIMIT $3 FOR UPDATE OF m SKIP LOCKED)
     UPDATE ${m} m SET taken_fence = mine.fence_token FROM mine
     WHERE m.request_id = mine.request_id
     RETURNING m.request_id, m.runtime_id, m.from_host, m.body, m.posted_at_ms, m.seq`,
  );
  const answer = statement(
    'answer',
    `WITH answered AS (
       UPDATE ${m} SET answer = $2, answered_at_ms = $3 WHERE request_id = $1 AND answer IS NULL
       RETURNING request_id)
     SELECT pg_notify($4, 'a:' || request_id) FROM answered`,
  );
  const read = statement(
    'read',
    `SELECT answer, taken_fence IS NOT NULL AS taken FROM ${m} WHERE request_id = $1`,
  );
  const withdraw = statement(
    'withdraw',
    `DELETE FROM ${m} WHERE request_id = $1 AND taken_fence IS NULL AND answer IS NULL`,
  );
  const remove = statement('remove', `DELETE FROM ${m} WHERE request_id = $1`);
  const prune = statement(
    'prune',
    `DELETE FROM ${m} WHERE (answer IS NOT NULL AND answered_at_ms < $1)
       OR (answer IS NULL AND posted_at_ms < $1)`,
  );
  const depth = statement('depth', `SELECT count(*) AS n FROM ${m} WHERE answer IS NULL`);
  return {
    async post(request) {
      await pool.query(
        post([
          request.requestId,
          request.runtimeId,
          request.fromHost,
          JSON.stringify(request.body),
          request.postedAt,
          schema.channelName,
        ]),
      );
    },
    async take(hostId, now, limit) {
      const result = await pool.query<RequestRow & { seq: string }>(take([hostId, now, limit]));
      return result.rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(requestOf);
    },
    async answer(requestId, value, now) {
      await pool.query(answer([requestId, JSON.stringify(value), now, schema.channelName]));
    },
    async read(requestId) {
      const result = await pool.query<{ answer: string | null; taken: boolean }>(read([requestId]));
      const row = result.rows[0];
      if (row === undefined) return null;
      return { answer: row.answer === null ? null : parseBody(row.answer), taken: row.taken };
    },
    async withdraw(requestId) {
      return ((await pool.query(withdraw([requestId]))).rowCount ?? 0) > 0;
    },
    async remove(requestId) {
      await pool.query(remove([requestId]));
    },
    async prune(before) {
      return (await pool.query(prune([before]))).rowCount ?? 0;
    },
    async depth() {
      const result = await pool.query<{ n: string }>(depth([]));
      return Number(result.rows[0]?.n ?? 0);
    },
  };
}
