// `burrow serve`: SQLite (or PostgreSQL) store, recovery with progress, the HTTP server, and a
// two-stage shutdown whose drain has a deadline.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { toError } from '../core/errors.js';
import type { Runtime } from '../runtime/runtime-api.js';
import { createRuntime } from '../runtime/runtime.js';
import { createServerMetrics } from '../server/metrics.js';
import { startServer } from '../server/server.js';
import type { RuntimeStore } from '../store/runtime-store.js';
import type * as PostgresStoreModule from '../store/postgres/postgres-store.js';
import type * as SqliteStoreModule from '../store/sqlite/sqlite-store.js';
import type { CliIo } from './cli-io.js';
import { createCliLogger, runtimeLoggerOf } from './cli-logger.js';
import type { CliEnv, ServeConfig, ServeFlags } from './config.js';
import { resolveServeConfig } from './config.js';
import type { ExecutorChoice } from './executor-choice.js';
import { chooseExecutor } from './executor-choice.js';
import { redactUrl } from './doctor-command.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { startProgress } from './progress-bar.js';
import { listenForShutdown, whenAborted, type SignalSource } from './shutdown-signals.js';
import { onAbort } from '../core/abort.js';

/** What `serve` needs from its surroundings (tests pass their own signal source). */
export interface ServeDeps {
  readonly io: CliIo;
  readonly env: CliEnv;
  readonly signals?: SignalSource;
  /** The executor to run instead of the one `--executor` names (embedders and process tests). */
  readonly executor?: ExecutorChoice;
}

/** The store `serve` runs on, and how to name it to the operator. */
interface OpenedStore {
  readonly store: RuntimeStore;
  /** `SQLite <path>` or `PostgreSQL <url without password> (schema burrow)`. */
  readonly description: string;
  /** The SQLite path or the redacted PostgreSQL URL (the `db` of the JSON `listening` line). */
  readonly location: string;
}

/** Opens the PostgreSQL store, loading pg only now so that its absence is a clear error. */
async function openPgStore(url: string, schema: string): Promise<OpenedStore> {
  let postgres: typeof PostgresStoreModule;
  try {
    postgres = await import('../store/postgres/postgres-store.js');
  } catch (error: unknown) {
    throw new CliError(
      EXIT.usage,
      `burrow serve --pg needs pg@8 (${toError(error).message}): npm install pg@8`,
      {},
      { cause: error },
    );
  }
  const store = await postgres.openPostgresStore(url, {
    schema,
    applicationName: 'burrow serve',
  });
  const location = redactUrl(url);
  return { store, location, description: `PostgreSQL ${location} (schema ${store.schema})` };
}

/** Opens the store of `config`: PostgreSQL when a URL is set, else the SQLite file. */
async function openStore(config: ServeConfig): Promise<OpenedStore> {
  if (config.pgUrl !== null) return openPgStore(config.pgUrl, config.pgSchema);
  const path = resolve(config.db);
  return { store: await openSqliteFile(path), location: path, description: `SQLite ${path}` };
}

/** Opens the SQLite store, loading better-sqlite3 only now so that its absence is a clear error. */
async function openSqliteFile(path: string): Promise<RuntimeStore> {
  await mkdir(dirname(path), { recursive: true });
  let sqlite: typeof SqliteStoreModule;
  try {
    sqlite = await import('../store/sqlite/sqlite-store.js');
  } catch (error: unknown) {
    throw new CliError(
      EXIT.usage,
      `burrow serve needs better-sqlite3@12 (${toError(error).message}): npm install better-sqlite3@12`,
      {},
      { cause: error },
    );
  }
  try {
    return await sqlite.openSqliteStore(path);
  } catch (error: unknown) {
    // A database this process cannot write (read-only file or directory, full disk, a newer schema)
    // must stop the start, not turn every later write into a 503.
    throw new CliError(
      EXIT.usage,
      `burrow serve cannot use the database ${path}: ${toError(error).message}`,
      {},
      { cause: error },
    );
  }
}

/** Failed recoveries listed on stderr (all of them are in the log). */
const SHOWN_FAILURES = 20;

async function recoverWithProgress(
  runtime: Runtime,
  io: CliIo,
  signal: AbortSignal,
): Promise<{ recovered: number; failed: number }> {
  const progress = startProgress(io, 'recovering sessions');
  const started = performance.now();
  const report = await runtime.recover({
    concurrency: 16,
    signal,
    onProgress: (done, total) => progress.update(done, total),
  });
  const total = report.recovered + report.failed.length;
  const ms = Math.round(performance.now() - started);
  const notes = [
    ...(report.failed.length > 0
      ? [`${report.failed.length} failed, retried every few seconds`]
      : []),
    ...(report.heldElsewhere > 0 ? [`${report.heldElsewhere} held by live owners`] : []),
  ];
  progress.finish(
    total === 0 && notes.length === 0
      ? undefined
      : `recovered ${report.recovered} of ${total} sessions in ${ms} ms` +
          (notes.length > 0 ? ` (${notes.join('; ')})` : ''),
  );
  for (const { sessionId, error } of report.failed.slice(0, SHOWN_FAILURES))
    io.err(`  could not recover session ${sessionId}: ${error}`);
  if (report.failed.length > SHOWN_FAILURES)
    io.err(`  ... and ${report.failed.length - SHOWN_FAILURES} more (each one is in the log)`);
  return { recovered: report.recovered, failed: report.failed.length };
}

function announce(io: CliIo, config: ServeConfig, event: Record<string, unknown>): void {
  if (config.json) io.out(JSON.stringify(event));
}

/** Listens, turning the refusals an operator can fix (port taken, no permission) into a hint (exit 2). */
async function listen(options: Parameters<typeof startServer>[0]): ReturnType<typeof startServer> {
  try {
    return await startServer(options);
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    const where = `${options.host}:${options.port}`;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        EXIT.usage,
        `${where} is already in use (another burrow serve?): stop it, or pick another port with --port (0 picks a free one)`,
        { code },
        { cause: error },
      );
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(
        EXIT.usage,
        `cannot listen on ${where} (${code}): pick a port above 1023 with --port, or an address of this machine with --host`,
        { code },
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The signal that ends the drain: the second Ctrl-C, or `drainTimeoutMs` after the first one. Its
 * reason says which; `dispose` clears the timer.
 */
function drainDeadline(
  graceful: AbortSignal,
  forced: AbortSignal,
  drainTimeoutMs: number,
  onTimeout: () => void,
): { signal: AbortSignal; timedOut: () => boolean; dispose(): void } {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const start = (): void => {
    timer = setTimeout(() => {
      onTimeout();
      deadline.abort(new Error(`the drain took longer than ${drainTimeoutMs} ms`));
    }, drainTimeoutMs);
  };
  const stopListening = onAbort(graceful, start);
  return {
    signal: AbortSignal.any([forced, deadline.signal]),
    timedOut: () => deadline.signal.aborted && !forced.aborted,
    dispose() {
      clearTimeout(timer);
      stopListening();
    },
  };
}

/** Runs the server until the first SIGINT/SIGTERM (drain) or the second (forced; exit 130). */
export async function runServe(flags: ServeFlags, deps: ServeDeps): Promise<ExitCode> {
  const { io } = deps;
  const config = resolveServeConfig(flags, deps.env);
  const logger = createCliLogger(config.logLevel);
  const executor = deps.executor ?? (await chooseExecutor(config));
  const shutdown = listenForShutdown((stage) => {
    if (stage === 'graceful') {
      announce(io, config, { event: 'stopping' });
      io.err('burrow: shutting down, draining sessions (send the signal again to force)');
    } else {
      io.err(
        'burrow: forcing the shutdown: stopping running turns (they run again at the next start)',
      );
    }
  }, deps.signals);
  const deadline = drainDeadline(shutdown.graceful, shutdown.forced, config.drainTimeoutMs, () =>
    io.err(
      `burrow: the drain took longer than ${formatMs(config.drainTimeoutMs)}: stopping running turns (they run again at the next start)`,
    ),
  );
  let runtime: Runtime | null = null;
  let server: { close(): Promise<void> } | null = null;
  try {
    // Store commits are timed for /metrics (burrow_store_commit_duration_seconds).
    const metrics = createServerMetrics();
    const opened = await openStore(config);
    const store = metrics.instrumentStore(opened.store);
    const { hostId, leaseTtlMs, sweepIntervalMs } = config.ownership;
    runtime = await createRuntime({
      store,
      executorFactory: executor.factory,
      logger: runtimeLoggerOf(logger),
      leaseTtlMs,
      sweepIntervalMs,
      ...(hostId === null ? {} : { hostId }),
    });
    // The server listens while recovery runs: /readyz answers 503 until it has finished, and a request
    // that touches a session not recovered yet activates it (under its gate: nothing races).
    const started = await listen({
      runtime,
      executorFactory: executor.factory,
      host: config.host,
      port: config.port,
      logger,
      metrics,
      ...(config.token === null ? {} : { token: config.token }),
    });
    server = started;
    const recovery = await recoverWithProgress(runtime, io, shutdown.graceful);
    announce(io, config, {
      event: 'listening',
      url: started.url,
      store: opened.store.kind,
      db: opened.location,
      executor: config.executor,
      hostId: runtime.diagnostics().ownership?.hostId ?? null,
      recovered: recovery.recovered,
      failedRecoveries: recovery.failed,
    });
    if (!config.json) {
      io.out(`burrow serve: listening on ${started.url}`);
      io.out(`  store    ${opened.description}`);
      io.out(`  executor ${executor.description}`);
      const ownership = runtime.diagnostics().ownership;
      if (ownership !== null)
        io.out(
          `  host     ${ownership.hostId} (leases of ${formatMs(config.ownership.leaseTtlMs)})`,
        );
      io.out(`  auth     ${config.token === null ? 'none (loopback only)' : 'bearer token'}`);
      io.out(
        `  Ctrl-C drains and stops (running turns get ${formatMs(config.drainTimeoutMs)}); a second Ctrl-C forces.`,
      );
    }
    await whenAborted(shutdown.graceful);
  } catch (error: unknown) {
    if (!shutdown.graceful.aborted) throw error;
    // A signal during startup (recovery aborted by it): fall through to the shutdown.
    logger.warn({ error: toError(error).message }, 'startup interrupted by a signal');
  } finally {
    try {
      await stopEverything(server, runtime, deadline.signal);
    } finally {
      deadline.dispose();
      shutdown.dispose();
    }
  }
  const forced = shutdown.forced.aborted;
  const timedOut = deadline.timedOut();
  announce(io, config, {
    event: 'stopped',
    forced: forced || timedOut,
    ...(timedOut ? { reason: 'drain_timeout' } : {}),
  });
  io.err(
    forced
      ? 'burrow: stopped (forced)'
      : timedOut
        ? 'burrow: stopped (drain deadline: running turns rolled back)'
        : 'burrow: stopped',
  );
  return forced ? EXIT.interrupted : EXIT.ok;
}

/** `20000` → `20s`, `1500` → `1500ms`. */
function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Stops accepting connections and drains the runtime at the same time: the runtime's close settles
 * the waiters of `?wait=` requests and ends SSE streams, which lets the server's close finish. When
 * `forced` aborts (the second signal, or the drain deadline) the runtime's close escalates to hard
 * cancel, and we stop waiting for the server.
 */
async function stopEverything(
  server: { close(): Promise<void> } | null,
  runtime: Runtime | null,
  forced: AbortSignal,
): Promise<void> {
  const serverClosed = server?.close() ?? Promise.resolve();
  try {
    await runtime?.close({ signal: forced });
  } finally {
    await Promise.race([serverClosed, whenAborted(forced)]);
  }
}
