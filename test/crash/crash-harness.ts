// The parent's handle on one crash child: start it through tsx, send commands, wait for messages,
// SIGKILL it. Every child started here is killed by `killAllChildren` (called in afterEach).

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CrashCommand, CrashMessage } from './crash-protocol.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Resolved from this file, not from the working directory: works wherever the tests are started.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** How long to wait for any one message before failing with the child's recent output. */
const DEFAULT_WAIT_MS = 20_000;

const live = new Set<CrashChild>();

/** A running crash child. */
export class CrashChild {
  /** Every message received so far, in order. */
  readonly messages: CrashMessage[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters = new Set<() => void>();
  #streamEnded: Promise<void>;
  #ended = false;
  #req = 0;

  private constructor(private readonly child: ChildProcess) {
    const channel = child.stdio[3] as Readable;
    const lines = createInterface({ input: channel });
    lines.on('line', (line) => {
      this.messages.push(JSON.parse(line) as CrashMessage);
      this.#notify();
    });
    this.#streamEnded = new Promise((resolve) => lines.once('close', resolve));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(this);
        resolve({ code, signal });
      }),
    );
    void this.exited.then(async () => {
      // Every byte the child wrote before it died is read before anyone hears it is gone.
      await this.#streamEnded;
      this.#ended = true;
      this.#notify();
    });
  }

  /** Starts a child on `database`, recording runs in `sideFile`, and waits until it is ready. */
  static async start(database: string, sideFile: string, seed: number): Promise<CrashChild> {
    const child = spawn(
      process.execPath,
      ['--import', TSX_LOADER, CHILD_SCRIPT, database, sideFile, String(seed)],
      { cwd: REPO_ROOT, stdio: ['pipe', 'ignore', 'pipe', 'pipe'] },
    );
    const handle = new CrashChild(child);
    live.add(handle);
    await handle.waitFor((m) => m.type === 'ready', 'ready');
    return handle;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A new request number for a command that expects a reply. */
  nextReq(): number {
    this.#req += 1;
    return this.#req;
  }

  send(command: CrashCommand): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /** Sends a command with a fresh `req` and waits for the reply of type `reply` carrying it. */
  async request<T extends CrashMessage['type']>(
    command: CrashCommand & { req: number },
    reply: T,
  ): Promise<Extract<CrashMessage, { type: T }>> {
    this.send(command);
    const message = await this.waitFor(
      (m) => m.type === reply && 'req' in m && m.req === command.req,
      `${reply} for ${command.cmd}`,
    );
    return message as Extract<CrashMessage, { type: T }>;
  }

  /**
   * The first message from index `from` on that satisfies `predicate`, now or when it arrives.
   * Fails when the child dies first, when it reports an error, or after `timeoutMs`.
   */
  async waitFor(
    predicate: (message: CrashMessage) => boolean,
    label: string,
    from = 0,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<CrashMessage> {
    const deadline = Date.now() + timeoutMs;
    let scanned = from;
    for (;;) {
      for (; scanned < this.messages.length; scanned += 1) {
        const message = this.messages[scanned] as CrashMessage;
        if (message.type === 'error') throw new Error(`child error: ${message.message}`);
        if (predicate(message)) return message;
      }
      if (this.#ended) throw new Error(`child exited while waiting for ${label}${this.#tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${label}${this.#tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiters = this.#waiters;
        function done(): void {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  }

  /** Kills the child with SIGKILL and waits until it is gone and its output is read. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    await this.#streamEnded;
  }

  /** Waits for a clean exit (after `close`). */
  async exitCleanly(): Promise<void> {
    const { code, signal } = await this.exited;
    await this.#streamEnded;
    if (code !== 0) throw new Error(`child exited with ${code ?? signal ?? '?'}${this.#tail()}`);
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #tail(): string {
    const recent = this.messages.slice(-15).map((m) => JSON.stringify(m));
    return `\nlast messages:\n${recent.join('\n')}\nstderr:\n${this.stderr.join('').slice(-4000)}`;
  }
}

/** Kills every child still alive (afterEach: a failed test must not leave processes behind). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.kill()));
}
