// The hosts of the scale-out benchmarks: real `burrow serve --pg` processes from dist/ (what users
// run), each with its own host id, on one PostgreSQL schema of their own; started, killed, and the
// schema dropped afterwards.

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** A running host. */
export interface BenchHost {
  readonly hostId: string;
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
}

/** Starts `burrow serve --pg url` with `args` and waits for its `listening` line. */
export async function startBenchHost(
  url: string,
  schema: string,
  hostId: string,
  args: readonly string[],
): Promise<BenchHost> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(BURROW_|OPENAI_|DATABASE_URL$)/.test(key)) env[key] = value;
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--json', '--port', '0', '--pg', url, '--pg-schema', schema, ...args],
    {
      env: { ...env, BURROW_HOST_ID: hostId, BURROW_LOG_LEVEL: 'error' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stderr.resume();
  child.stdin.end();
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.includes('"event":"listening"'));
      if (line !== undefined)
        resolve({ hostId, url: String((JSON.parse(line) as { url: unknown }).url), child });
    });
    child.once('exit', (code) => reject(new Error(`host ${hostId} exited with ${code}`)));
  });
}

/** SIGKILLs a host and waits until it is gone. */
export async function killBenchHost(host: BenchHost): Promise<void> {
  if (host.child.exitCode !== null || host.child.signalCode !== null) return;
  const gone = new Promise((resolve) => host.child.once('exit', resolve));
  host.child.kill('SIGKILL');
  await gone;
}

/** POSTs JSON and returns the parsed answer (throws on a non-2xx status). */
export async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}
