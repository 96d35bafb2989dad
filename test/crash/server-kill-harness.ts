// The server kill test's parts (issue 10): `burrow serve` on a SQLite file under a parent that never
// reaps it (so a SIGKILLed server stays a zombie, as when nobody has waited for it yet), HTTP clients
// that post inputs and retry them across a crash with the same input id, and SSE readers that resume
// with Last-Event-ID and record every seq they were shown.

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { CLI, cleanEnv, ensureBuilt, ROOT } from '../e2e/support/cli-process.js';

/** A `burrow serve` process and the parent that holds it without reaping it. */
export interface Server {
  readonly pid: number;
  readonly url: string;
  readonly output: string[];
  /** Ends the non-reaping parent (the zombie, if any, is then reaped by init). */
  dispose(): void;
}

const parents = new Set<ChildProcessWithoutNullStreams>();

// Forks, execs the server in the child and prints its pid; then sleeps without ever calling wait, so
// a SIGKILLed server stays a zombie until this parent goes away.
const NON_REAPING_PARENT = `
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) { exec { $ARGV[0] } @ARGV; die "exec: $!"; }
$| = 1; print "server-pid $pid\\n";
sleep 3600 while 1;
`;

/** Starts `burrow serve` on `database` and waits for its `listening` line. */
export async function startServer(database: string, args: readonly string[] = []): Promise<Server> {
  await ensureBuilt();
  const parent = spawn(
    'perl',
    [
      '-e',
      NON_REAPING_PARENT,
      process.execPath,
      CLI,
      'serve',
      '--json',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--db',
      database,
      ...args,
    ],
    { cwd: ROOT, env: cleanEnv({ BURROW_LOG_LEVEL: 'warn' }), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  parents.add(parent);
  const output: string[] = [];
  let pid = 0;
  let url = '';
  let rest = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output.join('\n')}`)),
      30_000,
    );
    const onLine = (line: string): void => {
      output.push(line);
      const pidMatch = /^server-pid (\d+)$/.exec(line);
      if (pidMatch !== null) {
        pid = Number(pidMatch[1]);
        serverPids.set(parent, pid);
      }
      if (line.includes('"event":"listening"')) {
        url = String((JSON.parse(line) as { url: unknown }).url);
        clearTimeout(timer);
        resolve();
      }
    };
    parent.stdout.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    parent.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    parent.once('exit', () => reject(new Error(`server parent exited:\n${output.join('\n')}`)));
  });
  await ready;
  return {
    pid,
    url,
    output,
    dispose: () => {
      killServerOf(parent, pid);
      parents.delete(parent);
    },
  };
}

/** The server pid each live parent holds (a parent killed alone would leave its server running). */
const serverPids = new WeakMap<ChildProcessWithoutNullStreams, number>();

/** Kills the server (a zombie already, or still running when a test failed) and then its parent. */
function killServerOf(parent: ChildProcessWithoutNullStreams, pid: number): void {
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  parent.kill('SIGKILL');
}

/** Kills every server and parent still running (afterEach): no test leaves a server behind. */
export function killAllServers(): void {
  for (const parent of parents) killServerOf(parent, serverPids.get(parent) ?? 0);
  parents.clear();
}

/** The state every client shares: where the server is now, and whether to stop. */
export interface Fleet {
  url: string;
  stopped: boolean;
}

/** One acknowledged input: a 2xx answer to a POST. */
export interface Ack {
  readonly sessionId: string;
  readonly inputId: string;
  readonly content: string;
}

/** A fetch that never throws: a network failure (the server died) is `null`. */
async function tryFetch(url: string, init: RequestInit): Promise<Response | null> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch {
    return null;
  }
}

/** How long a registered session may answer 404 before a client reports it lost. */
const LOST_AFTER_MS = 20_000;

/**
 * A client: posts `count` inputs to random sessions, each with its own input id; a request whose
 * answer was lost (the server died) is sent again, same id and content, to whichever server is up.
 */
export async function runClient(
  fleet: Fleet,
  name: string,
  sessions: readonly string[],
  count: number,
  acks: Ack[],
  lost: string[],
  pick: (n: number) => number,
): Promise<void> {
  const policies = ['queue', 'queue', 'steer', 'merge', 'latest'] as const;
  for (let n = 0; n < count && !fleet.stopped; n += 1) {
    const sessionId = sessions[pick(sessions.length)] as string;
    const inputId = `${name}-${n}`;
    const content = `${inputId} says hello`;
    const whenBusy = policies[pick(policies.length)] as string;
    let since404: number | undefined;
    for (;;) {
      if (fleet.stopped) return;
      const response = await tryFetch(`${fleet.url}/v1/sessions/${sessionId}/inputs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'prompt', inputId, content, whenBusy }),
      });
      if (response === null || response.status >= 500 || response.status === 404) {
        // Down, restarting, or (404) a registered session not found: it must come back by itself,
        // since nobody registers it again. Past the bound that is a violation.
        if (response?.status === 404 && Date.now() - (since404 ??= Date.now()) > LOST_AFTER_MS) {
          lost.push(`${sessionId}/${inputId}: 404 for ${LOST_AFTER_MS} ms`);
          break;
        }
        await response?.body?.cancel();
        await delay(50);
        continue;
      }
      await response.body?.cancel();
      if (response.status < 300) acks.push({ sessionId, inputId, content });
      break;
    }
  }
}

/** What one SSE reader saw: every durable event by seq, and every violation of the stream rules. */
export interface StreamLog {
  readonly sessionId: string;
  readonly bySeq: Map<number, string>;
  readonly violations: string[];
  last: number;
}

/** JSON text with keys sorted: a replayed event and a live one compare equal whatever their key order. */
export function canonical(text: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, sort(v)]),
          )
        : value;
  return JSON.stringify(sort(JSON.parse(text)));
}

/** Reads one frame's fields. */
function parseFrame(frame: string): { id?: string; event?: string; data: string } {
  const out: { id?: string; event?: string; data: string } = { data: '' };
  for (const line of frame.split('\n')) {
    if (line.startsWith('id: ')) out.id = line.slice(4);
    else if (line.startsWith('event: ')) out.event = line.slice(7);
    else if (line.startsWith('data: ')) out.data += line.slice(6);
  }
  return out;
}

/**
 * Follows a session's events across server restarts, resuming with Last-Event-ID. A seq shown twice
 * with different content is reuse; a seq that does not follow the last one is a gap.
 */
export async function followEvents(fleet: Fleet, log: StreamLog): Promise<void> {
  while (!fleet.stopped) {
    const controller = new AbortController();
    const stop = setInterval(() => {
      if (fleet.stopped) controller.abort();
    }, 100);
    try {
      const response = await fetch(`${fleet.url}/v1/sessions/${log.sessionId}/events`, {
        headers: { 'last-event-id': String(log.last) },
        signal: controller.signal,
      });
      if (response.status !== 200 || response.body === null) {
        await response.body?.cancel();
        await delay(100);
        continue;
      }
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (frame.id === undefined || frame.data === '') continue;
          const seq = Number(frame.id);
          const data = canonical(frame.data);
          const seen = log.bySeq.get(seq);
          if (seen !== undefined) {
            if (seen !== data) log.violations.push(`seq ${seq} reused: ${seen} then ${data}`);
            else log.violations.push(`seq ${seq} shown twice after Last-Event-ID ${log.last}`);
            continue;
          }
          if (seq !== log.last + 1) log.violations.push(`gap: seq ${seq} after ${log.last}`);
          log.bySeq.set(seq, data);
          log.last = Math.max(log.last, seq);
        }
      }
    } catch {
      // The server died or we stopped: reconnect with the last seq seen.
    } finally {
      clearInterval(stop);
    }
    if (!fleet.stopped) await delay(50);
  }
}
