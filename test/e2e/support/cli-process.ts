// Runs the built `burrow` (dist/cli/main.js) as a real child process: builds first when dist is older
// than src (under a lock, since test files run in parallel), reads its output line by line, and kills
// whatever is left in afterEach.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (tests run from it). */
export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** The executable under test. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.ts$/.test(entry.name) && !/\.test(-support)?\.ts$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  try {
    return statSync(CLI).mtimeMs < newestSource(join(ROOT, 'src'));
  } catch {
    return true;
  }
}

async function build(): Promise<void> {
  const result = await runCommand('npm', ['run', 'build'], {});
  if (result.code !== 0)
    throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Makes sure dist/ is at least as new as src/ (on a fresh clone `npm ci` has built it). Test files run
 * in parallel, so one of them builds while the others wait for its lock directory to disappear.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `burrow-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 180_000;
  while (isStale()) {
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is building (or crashed while building: a lock older than 3 minutes is stale).
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build of dist/');
      await sleep(250);
      continue;
    }
    try {
      if (isStale()) await build();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** The environment of a child: this process's, minus every variable the CLI reads, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(BURROW_|OPENAI_|DATABASE_URL$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** A running child with its output split into lines. */
export interface ChildHandle {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line that matches, or rejects after `timeoutMs` or at exit. */
  line(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcessWithoutNullStreams>();

function lines(stream: NodeJS.ReadableStream, into: string[], onLine: () => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    rest += chunk.toString('utf8');
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts);
    onLine();
  });
  stream.on('end', () => {
    if (rest !== '') into.push(rest);
    onLine();
  });
}

/** Spawns `node <command> ...args` in `cwd`. */
export function spawnNode(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildHandle {
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return track(child);
}

/**
 * Runs a shell command line exactly as a user would paste it (`sh -c`), in its own process group so
 * that `signalGroup` reaches npm and the node process it starts.
 */
export function spawnShell(
  line: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildHandle {
  const child = spawn('sh', ['-c', line], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  groups.add(child);
  return track(child);
}

/** Sends `signal` to the whole process group of a {@link spawnShell} child. */
export function signalGroup(handle: ChildHandle, signal: NodeJS.Signals): void {
  const pid = handle.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

const groups = new Set<ChildProcessWithoutNullStreams>();

function track(child: ChildProcessWithoutNullStreams): ChildHandle {
  children.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  lines(child.stdout, stdout, notify);
  lines(child.stderr, stderr, notify);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      done({ code, signal });
      notify();
    }),
  );
  const line = (match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> =>
    new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`no matching line within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error: Error | null, value?: string): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error === null) resolvePromise(value ?? '');
        else
          reject(
            new Error(
              `${error.message}\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          );
      };
      const check = (): void => {
        const found = stdout.find(match);
        if (found !== undefined) finish(null, found);
        else if (child.exitCode !== null || child.signalCode !== null)
          finish(new Error('the process exited'));
      };
      listeners.add(check);
      check();
    });
  return { child, stdout, stderr, line, exited };
}

/** Spawns `burrow ...args` from dist. */
export function spawnCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildHandle {
  return spawnNode([CLI, ...args], options);
}

/** Runs a command to its end and collects its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs `burrow ...args` to its end. */
export async function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const handle = spawnCli(args, options);
  const { code } = await handle.exited;
  return { code, stdout: handle.stdout.join('\n'), stderr: handle.stderr.join('\n') };
}

/** Kills every child still running (afterEach), with its process group, and waits for them to exit. */
export async function killChildren(): Promise<void> {
  for (const child of groups) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  groups.clear();
  const running = [...children];
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('close', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Type-checks `files` in `cwd` with this repository's TypeScript under `--strict` (ES2022, NodeNext,
 * Node's types), plus `extraFlags`, as a user's project would.
 */
export function typecheckStrict(
  files: readonly string[],
  cwd: string = ROOT,
  extraFlags: readonly string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '--strict',
      ...extraFlags,
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      join(ROOT, 'node_modules', '@types'),
      ...files,
    ],
    { cwd },
  );
}
