// `sessions`, `send` and `tail` against an in-process server: output, auth, exit codes, and tail's
// resume with Last-Event-ID across a server restart on the same port (no event lost, none repeated).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { runSend } from '../../src/cli/send-command.js';
import { runSessions } from '../../src/cli/sessions-command.js';
import { runTail } from '../../src/cli/tail-command.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { recordingIo } from './recording-io.js';

const TOKEN = 'client-test-token';
let runtime: Runtime;
let servers: RunningServer[];

/** The exit code the CLI would exit with for what a command threw, and its message. */
function failure(error: unknown): [number, string] {
  if (!(error instanceof Error)) throw new Error(`expected an error, got ${String(error)}`);
  return [exitCodeFor(error), error.message];
}

async function serve(port = 0): Promise<RunningServer> {
  const server = await startServer({
    runtime,
    executorFactory: () => echoExecutor(),
    host: '127.0.0.1',
    port,
    token: TOKEN,
  });
  servers.push(server);
  return server;
}

beforeEach(async () => {
  runtime = await createRuntime();
  servers = [];
});

afterEach(async () => {
  for (const server of servers) await server.close();
  await runtime.close();
});

/** Registers `slow`, whose turns wait until the returned function is called. */
async function slowSession(): Promise<() => void> {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await runtime.registerSessionWithExecutor('slow', scriptedExecutor([{ gate: () => gate }]));
  return () => release();
}

describe('client commands', () => {
  it('send --create --wait registers the session and prints the outcome; sessions lists it', async () => {
    const { url } = await serve();
    const env = { BURROW_URL: url, BURROW_TOKEN: TOKEN };
    const send = recordingIo({ interactive: false });
    expect(await runSend('s1', 'hello', { create: true, wait: true }, { io: send.io, env })).toBe(
      EXIT.ok,
    );
    expect(send.stdout[0]).toMatch(/^accepted input \S+ \(lane queue\)$/);
    expect(send.stdout[1]).toMatch(/^outcome \{"status":"completed".*"echo: hello"/);

    const json = recordingIo({ interactive: false });
    await runSessions({ json: true }, { io: json.io, env });
    const page = JSON.parse(json.stdout.join('')) as { sessions: { owner: string | null }[] };
    expect(page).toMatchObject({ sessions: [{ sessionId: 's1' }], total: 1 });

    const list = recordingIo({ interactive: false });
    expect(await runSessions({}, { io: list.io, env })).toBe(EXIT.ok);
    const table = list.stdout.join('\n');
    expect(table).toMatch(
      /^session\s+phase\s+queued\s+steer\s+running\s+host\n-+.*\ns1\s+attached\s+0\s+0\s+no\s+\S+\nsessions 1–1 of 1$/s,
    );
    // The host column shows the owning host the server reports (a dash when no host holds a lease).
    const owner = page.sessions[0]?.owner ?? '-';
    expect(table.split('\n')[2]?.trim().endsWith(` ${owner}`)).toBe(true);
  });

  it('sessions says how many there are, pages with --offset, and filters', async () => {
    for (const id of ['a', 'b', 'c']) await runtime.registerSession(id);
    const { url } = await serve();
    const env = { BURROW_URL: url, BURROW_TOKEN: TOKEN };
    const run = async (flags: Parameters<typeof runSessions>[0]) => {
      const io = recordingIo({ interactive: false });
      expect(await runSessions(flags, { io: io.io, env })).toBe(EXIT.ok);
      return io.stdout;
    };
    expect((await run({ limit: 2 })).at(-1)).toBe('sessions 1–2 of 3 (next: --offset 2)');
    expect((await run({ offset: 2 })).at(-1)).toBe('sessions 3–3 of 3');
    expect(await run({ offset: 5 })).toEqual(['no sessions from offset 5 (3 in all)']);
    expect(await run({ search: 'zz' })).toEqual(['no sessions match']);
    expect((await run({ sort: '-id', limit: 1 })).join('\n')).toMatch(/\nc\s+attached\s/);
  });

  it('send --wait says so when the outcome is not there yet', async () => {
    const release = await slowSession();
    const { url } = await serve();
    const send = recordingIo({ interactive: false });
    const env = { BURROW_URL: url, BURROW_TOKEN: TOKEN };
    expect(await runSend('slow', 'hi', { wait: '50ms' }, { io: send.io, env })).toBe(EXIT.ok);
    expect(send.stdout).toHaveLength(1);
    expect(send.stderr).toEqual([
      'waiting up to 50ms for the outcome (Ctrl-C stops waiting; the input keeps its course)',
      expect.stringMatching(
        /^no outcome yet: .*GET \/v1\/sessions\/slow\/inputs\/\S+\)$/,
      ) as string,
    ]);
    release();
  });

  it('send --wait shows on a terminal how long it has been waiting', async () => {
    const release = await slowSession();
    const { url } = await serve();
    const term = recordingIo({ interactive: true });
    const sending = runSend(
      'slow',
      'hi',
      { wait: '30s' },
      { io: term.io, env: { BURROW_URL: url, BURROW_TOKEN: TOKEN } },
    );
    await term.until(() =>
      term.stderr.some((l) => l.startsWith('waiting for the outcome… 1s of 30s')),
    );
    release();
    expect(await sending).toBe(EXIT.ok);
    expect(term.stdout[1]).toMatch(/^outcome \{"status":"completed"/);
  });

  it('fails with exit 1 and the problem code when the server refuses (bad token, unknown session)', async () => {
    const { url } = await serve();
    const refused = await runSessions(
      { url, token: 'wrong' },
      { io: recordingIo({ interactive: false }).io, env: {} },
    ).catch((e: unknown) => e);
    expect(failure(refused)).toEqual([
      EXIT.failure,
      expect.stringMatching(/^unauthorized: /) as string,
    ]);
    const missing = await runSend(
      'nope',
      'hi',
      { url, token: TOKEN },
      { io: recordingIo({ interactive: false }).io, env: {} },
    ).catch((e: unknown) => e);
    expect(failure(missing)).toEqual([
      EXIT.failure,
      expect.stringMatching(/^session_not_found: /) as string,
    ]);
  });

  it('exits 3 when no server answers, and tail says so at once instead of reconnecting', async () => {
    const closed = await serve();
    await closed.close();
    const error = await runSessions(
      { url: closed.url },
      { io: recordingIo({ interactive: false }).io, env: {} },
    ).catch((e: unknown) => e);
    expect(failure(error)).toEqual([
      EXIT.unreachable,
      expect.stringMatching(/ECONNREFUSED/) as string,
    ]);
    const tail = recordingIo({ interactive: false });
    const tailError = await runTail(
      's1',
      { url: closed.url },
      { io: tail.io, env: {}, signal: new AbortController().signal },
    ).catch((e: unknown) => e);
    expect(failure(tailError)).toEqual([
      EXIT.unreachable,
      expect.stringMatching(/^cannot reach the server at .*ECONNREFUSED/) as string,
    ]);
    expect(tail.stderr).toEqual([]);
  });

  it('tail resumes after a server restart with Last-Event-ID: no event lost, none repeated', async () => {
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    const first = await serve();
    const port = Number(new URL(first.url).port);
    const tail = recordingIo({ interactive: false });
    const seqs = (): number[] =>
      tail.stdout.map((line) => (JSON.parse(line) as { seq: number }).seq);
    const done = runTail(
      's1',
      { since: 0, json: true, url: first.url, token: TOKEN },
      {
        io: tail.io,
        env: {},
        signal: new AbortController().signal,
      },
    );
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content: 'one' })
    ).completion;
    await tail.until(() => tail.stdout.some((l) => l.includes('"type":"run.completed"')));

    await first.close();
    await tail.until(() => tail.stderr.some((l) => l.includes('server_shutdown')));
    const beforeRestart = seqs().length;
    // Events published while no server is up must arrive after the reconnect.
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content: 'two' })
    ).completion;
    await serve(port);
    const completedRuns = (): number =>
      tail.stdout.filter((l) => l.includes('"type":"run.completed"')).length;
    await tail.until(() => completedRuns() === 2);
    expect(seqs().length).toBeGreaterThan(beforeRestart);
    await runtime.unregisterSession('s1');
    expect(await done).toBe(EXIT.ok);

    const all = seqs();
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(tail.stderr.some((l) => l.includes('reconnecting after event'))).toBe(true);
    expect(tail.stdout.at(-1)).toContain('"type":"session.unregistered"');
  });

  it('tail exits 130 when interrupted, and prints readable lines without --json', async () => {
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    const { url } = await serve();
    const tail = recordingIo({ interactive: false });
    const stop = new AbortController();
    const done = runTail(
      's1',
      { since: 0, url, token: TOKEN },
      { io: tail.io, env: {}, signal: stop.signal },
    );
    await tail.until(() => tail.stdout.length >= 2);
    stop.abort();
    expect(await done).toBe(EXIT.interrupted);
    expect(tail.stdout[0]).toMatch(/^#1 session\.registered \{"epochId":/);
  });
});
