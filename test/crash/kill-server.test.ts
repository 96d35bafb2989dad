// The server kill test (issue 10): `burrow serve` on a SQLite file, HTTP clients posting inputs to
// several sessions and SSE readers following some of them; the server is SIGKILLed under load and
// restarted at once on the same file — before the killed process was reaped — and no client
// registers anything again. Within a bounded time every input that got a 2xx is found and ends in
// one terminal state; no input is consumed twice; SSE resumed with Last-Event-ID shows no gap and no
// reused seq, and the store replays exactly what the readers were shown.
//
// Kill points: BURROW_CRASH_ITERATIONS / 5 kills per run (at least 2; `npm run test:crash` runs 11),
// each after a random number of further acknowledgments. BURROW_CRASH_SEED replays a run.

import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { until } from '../support/poll-until.js';
import { seededRandom } from './seeded-random.js';
import type { Ack, Fleet, Server, StreamLog } from './server-kill-harness.js';
import {
  canonical,
  followEvents,
  killAllServers,
  runClient,
  startServer,
} from './server-kill-harness.js';

const KILLS = Math.max(2, Math.ceil(Number(process.env['BURROW_CRASH_ITERATIONS'] ?? 3) / 5));
const SEED = Number(process.env['BURROW_CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 30));
const SESSIONS = ['s1', 's2', 's3', 's4', 's5', 's6'];
const CLIENTS = 8;
const INPUTS_PER_CLIENT = 25 + 10 * KILLS;
const SERVE_ARGS = ['--executor', 'scripted', '--step-ms', '10'];
const TERMINAL = new Set(['consumed', 'superseded', 'coalesced', 'abandoned']);

let dir: string | null = null;

afterEach(async () => {
  killAllServers();
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  dir = null;
});

/** The inputs among `acks` that the server does not report terminal yet (404 counts as missing). */
async function unfinished(url: string, acks: readonly Ack[]): Promise<string[]> {
  const missing: string[] = [];
  for (const ack of acks) {
    const response = await fetch(`${url}/v1/sessions/${ack.sessionId}/inputs/${ack.inputId}`).catch(
      () => null,
    );
    const body =
      response === null ? null : ((await response.json()) as { state?: { status?: string } });
    const status = body?.state?.status;
    if (response?.status !== 200 || status === undefined || !TERMINAL.has(status))
      missing.push(
        `${ack.sessionId}/${ack.inputId}: ${response?.status ?? 'down'} ${status ?? ''}`,
      );
  }
  return missing;
}

describe('burrow serve SIGKILLed under HTTP load and restarted at once on the same SQLite file', () => {
  it('finds and ends every acknowledged input, consumes nothing twice, and resumes SSE with no gap or reused seq', async () => {
    dir = await mkdtemp(join(tmpdir(), 'burrow-server-kill-'));
    const database = join(dir, 'runtime.db');
    const random = seededRandom(SEED);
    const story = [`seed ${SEED}, ${KILLS} kills`];
    let server: Server = await startServer(database, SERVE_ARGS);
    const fleet: Fleet = { url: server.url, stopped: false };
    for (const id of SESSIONS) {
      const response = await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      expect(response.status).toBe(201);
    }
    const acks: Ack[] = [];
    const lost: string[] = [];
    const logs: StreamLog[] = SESSIONS.slice(0, 3).map((sessionId) => ({
      sessionId,
      bySeq: new Map(),
      violations: [],
      last: 0,
    }));
    const readers = logs.map((log) => followEvents(fleet, log));
    let clientsDone = false;
    const clients = Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        runClient(fleet, `c${i}`, SESSIONS, INPUTS_PER_CLIENT, acks, lost, (n) =>
          random.int(0, n - 1),
        ),
      ),
    ).then(() => (clientsDone = true));

    for (let kill = 0; kill < KILLS; kill += 1) {
      const target = acks.length + random.int(10, 60);
      await until(() => acks.length >= target || clientsDone, 60_000, `${target} acks`);
      process.kill(server.pid, 'SIGKILL');
      story.push(`kill ${kill + 1} after ${acks.length} acks (pid ${server.pid}, left unreaped)`);
      const killed = server;
      // Restarted at once: the killed server is still a zombie of its parent while this one recovers.
      server = await startServer(database, SERVE_ARGS);
      fleet.url = server.url;
      killed.dispose();
    }
    await clients;
    story.push(`clients done: ${acks.length} acks`);

    // No client registers anything again: the restarted server must find and finish everything.
    let missing: string[] = [];
    await until(
      async () => (missing = await unfinished(fleet.url, acks)).length === 0,
      60_000,
      'every acknowledged input to be terminal',
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}\n${story.join('\n')}\nunfinished:\n${missing.slice(0, 20).join('\n')}`,
      );
    });
    // Let the readers catch up with the last events, then stop everything.
    await delay(500);
    fleet.stopped = true;
    await Promise.all(readers);
    process.kill(server.pid, 'SIGTERM');
    await until(
      () => {
        try {
          process.kill(server.pid, 0);
          return server.output.some((line) => line.includes('"event":"stopped"'));
        } catch {
          return true;
        }
      },
      30_000,
      'the server to stop',
    ).catch(() => undefined);
    server.dispose();

    const store = await openSqliteStore(database);
    try {
      const consumedBy = new Map<string, string>();
      for (const sessionId of SESSIONS) {
        const rt = runtimeIdOf(sessionId);
        const receipts = await store.readReceipts(rt, 0, Number.POSITIVE_INFINITY);
        for (const receipt of receipts.filter((r) => r.outcome === 'completed')) {
          for (const id of receipt.inputIds) {
            expect(consumedBy.get(`${sessionId}/${id}`), `${id} consumed twice`).toBeUndefined();
            consumedBy.set(`${sessionId}/${id}`, receipt.runId);
          }
        }
        const transcript = await store.readTranscript(rt, 0, Number.POSITIVE_INFINITY);
        expect(transcript.map((m) => m.index)).toEqual(transcript.map((_, i) => i));
        const runs = new Set(receipts.map((r) => r.runId));
        expect(transcript.filter((m) => !runs.has(m.runId))).toEqual([]);
      }
      for (const ack of acks) {
        const record = await store.readInput(runtimeIdOf(ack.sessionId), ack.inputId);
        expect(record?.payload['content'], `${ack.inputId}`).toBe(ack.content);
        expect(TERMINAL.has(record?.state.status ?? 'missing'), `${ack.inputId} terminal`).toBe(
          true,
        );
        if (record?.state.status === 'consumed')
          expect(consumedBy.get(`${ack.sessionId}/${ack.inputId}`)).toBe(record.state.runId);
      }
      for (const log of logs) {
        expect(log.violations, `stream of ${log.sessionId}\n${story.join('\n')}`).toEqual([]);
        const stored = await store.readEvents(
          runtimeIdOf(log.sessionId),
          0,
          Number.POSITIVE_INFINITY,
        );
        expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
        for (const [seq, data] of log.bySeq)
          expect(canonical(JSON.stringify(stored[seq - 1])), `seq ${seq} of ${log.sessionId}`).toBe(
            data,
          );
      }
    } finally {
      await store.close();
    }
    console.log(
      `server kill test: ${KILLS} kill points, ${acks.length} acknowledged inputs (seed ${SEED})`,
    );
    const tally = inject('crashTallyDir');
    if (tally !== undefined) appendFileSync(join(tally, 'server-kill.txt'), `${KILLS}\n`);
  }, 300_000);
});
