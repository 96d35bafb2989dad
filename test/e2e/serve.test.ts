// `burrow serve` as a real process on a temp SQLite file: a client drives sessions over HTTP and SSE,
// SIGTERM drains, a second signal forces, and a restart on the same file recovers what was queued.
// Turn lengths come from each input's `metadata.stepMs` (the scripted executor's knob), so a turn is
// either instant or far longer than the test: nothing depends on timing.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InputRecord } from '../../src/core/ledger/input-record.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeReadOnly } from '../support/read-only-file.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { ensureBuilt, killChildren } from './support/cli-process.js';
import { api, startServe, type ServeProcess } from './support/serve-process.js';
import { openEvents } from './support/sse-client.js';

const LONG = { stepMs: 600_000 };
const INSTANT = { stepMs: 0 };
let dir: string;
let db: string;

beforeAll(ensureBuilt, 180_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-serve-'));
  db = join(dir, 'runtime.db');
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

const prompt = (inputId: string, metadata: object, extra: object = {}) => ({
  kind: 'prompt',
  content: `prompt ${inputId}`,
  inputId,
  metadata,
  ...extra,
});

async function storedInputs(sessionId: string): Promise<Map<string, InputRecord>> {
  const store = await openSqliteStore(db);
  try {
    const loaded = await store.load(runtimeIdOf(sessionId));
    return new Map((loaded?.inputs ?? []).map((record) => [record.header.inputId, record]));
  } finally {
    await store.close();
  }
}

async function stop(server: ServeProcess, signals: number): Promise<number | null> {
  server.handle.child.kill('SIGTERM');
  if (signals > 1) {
    await server.handle.line((l) => l.includes('"event":"stopping"'));
    server.handle.child.kill('SIGTERM');
  }
  return (await server.handle.exited).code;
}

describe('burrow serve (child process)', () => {
  it('serves a session end to end over HTTP and SSE, and drains cleanly on SIGTERM', async () => {
    const server = await startServe(['--db', db, '--executor', 'scripted']);
    const { url } = server;
    expect(server.listening).toMatchObject({ executor: 'scripted', db, recovered: 0 });

    expect((await api(url, 'POST', '/v1/sessions', { id: 's1' })).status).toBe(201);
    const events = await openEvents(url, 's1', { since: 0 });
    expect((await api(url, 'POST', '/v1/sessions/s1/inputs', prompt('A', LONG))).status).toBe(202);
    const started = await events.waitFor((e) => e.type === 'run.started');
    expect(started.data).toMatchObject({ inputIds: ['A'] });

    // Two inputs while the turn runs: one queued behind it, one for its next boundary.
    const queued = await api(url, 'POST', '/v1/sessions/s1/inputs', prompt('B', INSTANT));
    const steered = await api(
      url,
      'POST',
      '/v1/sessions/s1/inputs',
      prompt('C', INSTANT, { whenBusy: 'steer' }),
    );
    expect([queued.status, steered.status]).toEqual([202, 202]);
    expect(queued.body['decision']).toMatchObject({ lane: 'queue' });
    expect(steered.body['decision']).toMatchObject({ lane: 'steer' });

    expect((await api(url, 'POST', '/v1/sessions/s1/interrupt', {})).status).toBeLessThan(300);
    const cancelled = await events.waitFor((e) => e.type === 'run.cancelled');
    expect(cancelled.data).toMatchObject({ runId: (started.data as { runId: string }).runId });
    const a = await api(url, 'GET', '/v1/sessions/s1/inputs/A');
    expect(a.body['outcome']).toMatchObject({ status: 'cancelled' });
    for (const id of ['B', 'C']) {
      await events.waitFor(
        (e) => e.type === 'input.consumed' && (e.data as { inputId: string }).inputId === id,
      );
      const record = await api(url, 'GET', `/v1/sessions/s1/inputs/${id}`);
      expect(record.body['outcome'], id).toMatchObject({ status: 'completed' });
    }
    const history = await api(url, 'GET', '/v1/sessions/s1/history');
    expect((history.body['messages'] as unknown[]).length).toBeGreaterThan(0);

    expect((await api(url, 'DELETE', '/v1/sessions/s1')).status).toBeLessThan(300);
    expect(await events.ended).toBe('session_ended');
    expect((await api(url, 'GET', '/v1/sessions/s1')).status).toBe(404);

    // A turn in flight and an input queued behind it when SIGTERM arrives.
    await api(url, 'POST', '/v1/sessions', { id: 's2' });
    const s2 = await openEvents(url, 's2', { since: 0 });
    await api(url, 'POST', '/v1/sessions/s2/inputs', prompt('D', { stepMs: 1000 }));
    await s2.waitFor((e) => e.type === 'run.started');
    await api(url, 'POST', '/v1/sessions/s2/inputs', prompt('E', INSTANT));
    expect(await stop(server, 1)).toBe(0);
    expect(server.handle.stdout.at(-1)).toBe('{"event":"stopped","forced":false}');
    expect(await s2.ended).not.toBe('session_ended');

    // Every accepted input is terminal or still queued; the running turn finished and committed.
    const stored = await storedInputs('s2');
    expect(stored.get('D')?.state.status).toBe('consumed');
    expect(stored.get('E')?.state.status).toBe('queued');
    for (const record of [...stored.values(), ...(await storedInputs('s1')).values()]) {
      expect(['queued', 'consumed', 'superseded', 'coalesced', 'abandoned']).toContain(
        record.state.status,
      );
    }
  });

  it('forces the shutdown on a second signal (exit 130), and a restart on the same file recovers', async () => {
    const first = await startServe(['--db', db, '--executor', 'scripted']);
    await api(first.url, 'POST', '/v1/sessions', { id: 's3' });
    const events = await openEvents(first.url, 's3', { since: 0 });
    await api(first.url, 'POST', '/v1/sessions/s3/inputs', prompt('F', LONG));
    await events.waitFor((e) => e.type === 'run.started');
    await api(first.url, 'POST', '/v1/sessions/s3/inputs', prompt('G', INSTANT));
    expect(await stop(first, 2)).toBe(130);
    expect(first.handle.stdout.at(-1)).toBe('{"event":"stopped","forced":true}');
    // A forced shutdown is not a user's cancel: the running turn is rolled back, and its input stays
    // queued in the store to run again after the restart (as after a crash).
    const before = await storedInputs('s3');
    expect(before.get('F')?.state.status).toBe('queued');
    expect(before.get('F')?.outcome).toBeNull();
    expect(before.get('G')?.state.status).toBe('queued');

    const second = await startServe(['--db', db, '--executor', 'scripted']);
    expect(second.listening).toMatchObject({ recovered: 1, failedRecoveries: 0 });
    const replay = await openEvents(second.url, 's3', { since: 0 });
    // F runs again first; interrupting it lets G run.
    await replay.waitFor(
      (e) =>
        e.type === 'run.started' &&
        (e.data as { readonly inputIds: readonly string[] }).inputIds.includes('F'),
    );
    await api(second.url, 'POST', '/v1/sessions/s3/interrupt', { reason: 'enough' });
    await replay.waitFor(
      (e) => e.type === 'input.consumed' && (e.data as { inputId: string }).inputId === 'G',
    );
    // Recovery resumed the queue without re-announcing the session: nothing durable changed by opening it.
    expect(replay.events.filter((e) => e.type === 'session.registered')).toHaveLength(1);
    const g = await api(second.url, 'GET', '/v1/sessions/s3/inputs/G');
    expect(g.body['outcome']).toMatchObject({ status: 'completed', result: ['prompt G'] });
    expect(await stop(second, 1)).toBe(0);
  });

  it('refuses to start without the openai-compatible configuration, naming what is missing (exit 2)', async () => {
    const { spawnCli, cleanEnv } = await import('./support/cli-process.js');
    const handle = spawnCli(
      ['serve', '--executor', 'openai-compatible', '--db', db, '--port', '0'],
      {
        env: cleanEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }),
      },
    );
    expect((await handle.exited).code).toBe(2);
    expect(handle.stderr.join('\n')).toMatch(/missing OPENAI_API_KEY, BURROW_MODEL \(/);
  });

  it('refuses to start on a database it cannot write, naming the file (exit 2)', async () => {
    const { spawnCli, cleanEnv } = await import('./support/cli-process.js');
    await (await openSqliteStore(db)).close();
    const undo = makeReadOnly(db);
    try {
      const handle = spawnCli(['serve', '--db', db, '--port', '0'], { env: cleanEnv() });
      expect((await handle.exited).code).toBe(2);
      expect(handle.stderr.join('\n')).toContain(`burrow serve cannot use the database ${db}`);
      expect(handle.stderr.join('\n')).toMatch(/read-only/);
    } finally {
      undo();
    }
  });
});
