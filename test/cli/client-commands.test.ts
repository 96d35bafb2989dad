// `sessions`, `send` and `tail` against an in-process server: output, auth, exit codes, and tail's
// resume with Last-Event-ID across a server restart on the same port (no event lost, none repeated).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../src/cli/exit-codes.js';
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

/** The exit code and message of a CliError (anything else fails the test). */
function failure(error: unknown): [number, string] {
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return [error.exitCode, error.message];
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

    const list = recordingIo({ interactive: false });
    expect(await runSessions({}, { io: list.io, env })).toBe(EXIT.ok);
    expect(list.stdout.join('\n')).toMatch(
      /^session\s+phase\s+queued\s+steer\s+running\n-+.*\ns1\s+attached\s+0\s+0\s+no$/s,
    );

    const json = recordingIo({ interactive: false });
    await runSessions({ json: true }, { io: json.io, env });
    expect(JSON.parse(json.stdout.join(''))).toMatchObject({ sessions: [{ sessionId: 's1' }] });
  });

  it('send --wait says so when the outcome is not there yet', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await runtime.registerSessionWithExecutor('slow', scriptedExecutor([{ gate: () => gate }]));
    const { url } = await serve();
    const send = recordingIo({ interactive: false });
    const env = { BURROW_URL: url, BURROW_TOKEN: TOKEN };
    expect(await runSend('slow', 'hi', { wait: '50ms' }, { io: send.io, env })).toBe(EXIT.ok);
    expect(send.stdout).toHaveLength(1);
    expect(send.stderr).toEqual([
      expect.stringMatching(
        /^no outcome yet: .*GET \/v1\/sessions\/slow\/inputs\/\S+\)$/,
      ) as string,
    ]);
    release();
  });

  it('fails with exit 1 and the problem code when the server refuses (bad token, unknown session)', async () => {
    const { url } = await serve();
    const refused = await runSessions(
      { url, token: 'wrong' },
      { io: recordingIo({ interactive: false }).io, env: {} },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CliError);
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

  it('exits 3 when no server answers', async () => {
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
