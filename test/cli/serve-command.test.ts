// `runServe` in process, with a stand-in signal source: recovery progress on a terminal, the listening
// announcement, and the two-stage shutdown (drain on the first signal, force on the second).

import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { runServe } from '../../src/cli/serve-command.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { rewriteSqliteRecords } from '../../src/store/sqlite/sqlite-rewrite.test-support.js';
import { openEvents } from '../e2e/support/sse-client.js';
import { recordingIo } from './recording-io.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

let dir: string;
let db: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-serve-unit-'));
  db = join(dir, 'runtime.db');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Leaves `count` sessions in the database, each with one input still queued. */
async function seedQueuedSessions(count: number): Promise<void> {
  const runtime = await createRuntime({ store: await openSqliteStore(db) });
  for (let i = 0; i < count; i += 1) {
    const id = `s${i}`;
    await runtime.registerSessionWithExecutor(id, scriptedExecutor([{ hang: true }]));
    await runtime.acceptInput(id, { kind: 'prompt', content: 'first' });
    await runtime.acceptInput(id, { kind: 'prompt', content: 'queued' });
  }
  // Forced close: the hanging turns are cancelled, the second inputs stay queued.
  await runtime.close({ signal: AbortSignal.abort() });
}

/** Once the server of `term` listens: registers `sessionId` and starts a turn `stuck` that runs long. */
async function startLongTurn(term: ReturnType<typeof recordingIo>, sessionId: string) {
  const { url } = JSON.parse(await term.line((l) => l.includes('"listening"'))) as { url: string };
  await fetch(`${url}/v1/sessions`, { method: 'POST', body: JSON.stringify({ id: sessionId }) });
  const events = await openEvents(url, sessionId, { since: 0 });
  await fetch(`${url}/v1/sessions/${sessionId}/inputs`, {
    method: 'POST',
    body: '{"kind":"prompt","inputId":"stuck","content":"a very long turn"}',
  });
  await events.waitFor((e) => e.type === 'run.started');
}

/** Serves `db` with the echo executor and `--json`, and waits for the listening announcement. */
async function serveEcho(interactive: boolean) {
  const signals = new EventEmitter();
  const term = recordingIo({ interactive });
  const serving = runServe(
    { db, port: '0', json: true, executor: 'echo' },
    { io: term.io, env: {}, signals },
  );
  const listening = JSON.parse(await term.line((l) => l.includes('"listening"'))) as Record<
    string,
    unknown
  >;
  return { signals, term, serving, listening };
}

describe('runServe', () => {
  it('recovers with a progress bar, announces the URL, and drains on the first signal (exit 0)', async () => {
    await seedQueuedSessions(12);
    const { signals, term, serving, listening } = await serveEcho(true);
    expect(listening).toMatchObject({ event: 'listening', recovered: 12, failedRecoveries: 0 });
    expect(term.stderr.filter((l) => l.startsWith('recovering sessions [')).at(-1)).toBe(
      `recovering sessions [${'#'.repeat(24)}] 12/12`,
    );
    expect(term.stderr).toContainEqual(
      expect.stringMatching(/^recovered 12 of 12 sessions in \d+ ms$/),
    );
    const health = await fetch(`${String(listening['url'])}/healthz`);
    expect(health.status).toBe(200);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await serving).toBe(EXIT.ok);
    expect(term.stdout.slice(-2)).toEqual([
      '{"event":"stopping"}',
      '{"event":"stopped","forced":false}',
    ]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('lists each failed recovery with its reason instead of pointing at the log', async () => {
    await seedQueuedSessions(2);
    await rewriteSqliteRecords(db, runtimeIdOf('s0'), 'input', (text) =>
      text.replace('"recordVersion":1', '"recordVersion":99'),
    );
    const { signals, term, serving, listening } = await serveEcho(false);
    expect(listening).toMatchObject({ recovered: 1, failedRecoveries: 1 });
    expect(term.stderr).toContainEqual(
      expect.stringMatching(
        /^recovered 1 of 2 sessions in \d+ ms \(1 failed, retried every few seconds\)$/,
      ),
    );
    expect(term.stderr).toContainEqual(
      expect.stringMatching(/^ {2}could not recover session s0: .*unknown record version 99/),
    );
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await serving).toBe(EXIT.ok);
  });

  it('forces the shutdown on the second signal (exit 130)', async () => {
    const signals = new EventEmitter();
    const term = recordingIo({ interactive: true });
    const serving = runServe(
      { db, port: '0', json: true, executor: 'scripted', stepMs: '600000' },
      { io: term.io, env: {}, signals },
    );
    await startLongTurn(term, 'long');
    signals.emit('SIGINT', 'SIGINT');
    await term.line((l) => l.includes('"stopping"'));
    signals.emit('SIGINT', 'SIGINT');
    expect(await serving).toBe(EXIT.interrupted);
    expect(term.stdout.at(-1)).toBe('{"event":"stopped","forced":true}');
    expect(term.stderr).toContain(
      'burrow: forcing the shutdown: stopping running turns (they run again at the next start)',
    );
  });

  it('rolls running turns back once the drain deadline passes after the first signal (exit 0)', async () => {
    const signals = new EventEmitter();
    const term = recordingIo({ interactive: false });
    const serving = runServe(
      { db, port: '0', json: true, executor: 'scripted', stepMs: '600000', drainTimeout: '300ms' },
      { io: term.io, env: {}, signals },
    );
    await startLongTurn(term, 'hung');
    const signalled = performance.now();
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await serving).toBe(EXIT.ok);
    expect(performance.now() - signalled).toBeLessThan(10_000);
    expect(term.stdout.at(-1)).toBe('{"event":"stopped","forced":true,"reason":"drain_timeout"}');
    expect(term.stderr).toContain(
      'burrow: the drain took longer than 300ms: stopping running turns (they run again at the next start)',
    );
    const store = await openSqliteStore(db);
    try {
      expect((await store.readInput(runtimeIdOf('hung'), 'stuck'))?.state).toEqual({
        status: 'queued',
      });
    } finally {
      await store.close();
    }
  });

  it('names --port when the port is taken (exit 2, nothing left running)', async () => {
    const signals = new EventEmitter();
    const first = recordingIo({ interactive: false });
    const serving = runServe({ db, port: '0', json: true }, { io: first.io, env: {}, signals });
    const { url } = JSON.parse(await first.line((l) => l.includes('"listening"'))) as {
      url: string;
    };
    const port = new URL(url).port;
    const second = runServe(
      { db: join(dir, 'other.db'), port },
      { io: recordingIo({ interactive: false }).io, env: {}, signals: new EventEmitter() },
    ).catch((e: unknown) => e);
    const error = await second;
    expect(exitCodeFor(error)).toBe(EXIT.usage);
    expect(String(error)).toContain(
      `127.0.0.1:${port} is already in use (another burrow serve?): stop it, or pick another port with --port (0 picks a free one)`,
    );
    signals.emit('SIGINT', 'SIGINT');
    expect(await serving).toBe(EXIT.ok);
  });
});
