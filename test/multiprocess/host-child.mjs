// A host of the three-host test: the built `burrow serve` (dist/, run as the CLI runs it: flags and
// environment) with a recording executor. Every run is appended to the side file BEFORE its work
// starts, with the lease it saw then (owner and fence token, read from PostgreSQL), and again when the
// executor returns; the store's receipts say which runs committed.
//
// Environment: BURROW_PG_URL, BURROW_PG_SCHEMA, BURROW_HOST_ID, BURROW_LEASE_TTL,
// BURROW_SWEEP_INTERVAL (read by serve itself) and HOSTS_SIDE_FILE. An input's `metadata.stepMs` sets
// the length of each of its turn's two steps (default 50 ms).

import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { processIo } from '../../dist/cli/cli-io.js';
import { cliEnv } from '../../dist/cli/config.js';
import { runServe } from '../../dist/cli/serve-command.js';

const env = process.env;
const sideFile = env['HOSTS_SIDE_FILE'];
const schema = env['BURROW_PG_SCHEMA'];
const host = env['BURROW_HOST_ID'];
if (sideFile === undefined || schema === undefined || host === undefined)
  throw new Error('host-child needs HOSTS_SIDE_FILE, BURROW_PG_SCHEMA and BURROW_HOST_ID');

const pool = new pg.Pool({ connectionString: env['BURROW_PG_URL'], max: 2 });
const record = (fields) =>
  appendFileSync(sideFile, `${JSON.stringify({ ...fields, pid: process.pid, host })}\n`);

/** The lease as PostgreSQL holds it now: who owns the session, with which fence token. */
async function leaseOf(sessionId) {
  const { rows } = await pool.query(
    `SELECT owner_host, fence_token FROM "${schema}".sessions WHERE runtime_id = $1`,
    [`rt:session:${sessionId}`],
  );
  const row = rows[0];
  return row === undefined ? null : { owner: row.owner_host, fence: Number(row.fence_token) };
}

function stepMsOf(run) {
  const value = run.metadata.values['stepMs'];
  return typeof value === 'number' && value >= 0 ? value : 50;
}

const recording = {
  async apply(run, ctx) {
    const lease = await leaseOf(run.sessionId);
    const inputIds = run.inputs.map((input) => input.inputId);
    record({ t: 'run', session: run.sessionId, runId: run.runId, inputIds, lease });
    const stepMs = stepMsOf(run);
    try {
      await delay(stepMs, undefined, { signal: ctx.signal });
      const directive = await ctx.boundary();
      inputIds.push(...directive.inject.map((input) => input.inputId));
      await delay(stepMs, undefined, { signal: ctx.signal });
    } catch (error) {
      record({ t: 'end', session: run.sessionId, runId: run.runId, status: 'aborted' });
      throw error;
    }
    record({ t: 'end', session: run.sessionId, runId: run.runId, status: 'completed', inputIds });
    return {
      status: 'completed',
      output: { host, pid: process.pid },
      append: [{ role: 'assistant', content: `${run.runId} on ${host}` }],
    };
  },
};

try {
  process.exitCode = await runServe(
    { json: true, host: '127.0.0.1', port: '0' },
    {
      io: processIo(),
      env: cliEnv(env),
      executor: { factory: () => recording, description: 'recording' },
    },
  );
} finally {
  await pool.end();
}
