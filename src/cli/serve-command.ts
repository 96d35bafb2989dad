// `burrow serve`: SQLite store, recovery with progress, the HTTP server, and a two-stage shutdown.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { toError } from '../core/errors.js';
import type { Runtime } from '../runtime/runtime-api.js';
import { createRuntime } from '../runtime/runtime.js';
import { createServerMetrics } from '../server/metrics.js';
import { startServer } from '../server/server.js';
import type * as SqliteStoreModule from '../store/sqlite/sqlite-store.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliIo } from './cli-io.js';
import { createCliLogger, runtimeLoggerOf } from './cli-logger.js';
import type { CliEnv, ServeConfig, ServeFlags } from './config.js';
import { resolveServeConfig } from './config.js';
import { chooseExecutor } from './executor-choice.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { startProgress } from './progress-bar.js';
import { listenForShutdown, whenAborted, type SignalSource } from './shutdown-signals.js';

/** What `serve` needs from its surroundings (tests pass their own signal source). */
export interface ServeDeps {
  readonly io: CliIo;
  readonly env: CliEnv;
  readonly signals?: SignalSource;
}

/** Opens the SQLite store, loading better-sqlite3 only now so that its absence is a clear error. */
async function openStore(path: string): Promise<SqliteStore> {
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
  return sqlite.openSqliteStore(path);
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

/** Runs the server until the first SIGINT/SIGTERM (drain) or the second (forced; exit 130). */
export async function runServe(flags: ServeFlags, deps: ServeDeps): Promise<ExitCode> {
  const { io } = deps;
  const config = resolveServeConfig(flags, deps.env);
  const logger = createCliLogger(config.logLevel);
  const executor = await chooseExecutor(config);
  const db = resolve(config.db);
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
  let runtime: Runtime | null = null;
  let server: { close(): Promise<void> } | null = null;
  try {
    // Store commits are timed for /metrics (burrow_store_commit_duration_seconds).
    const metrics = createServerMetrics();
    const store = metrics.instrumentStore(await openStore(db));
    runtime = await createRuntime({
      store,
      executorFactory: executor.factory,
      logger: runtimeLoggerOf(logger),
    });
    // The server listens while recovery runs: /readyz answers 503 until it has finished, and a request
    // that touches a session not recovered yet activates it (under its gate: nothing races).
    const started = await startServer({
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
      db,
      executor: config.executor,
      recovered: recovery.recovered,
      failedRecoveries: recovery.failed,
    });
    if (!config.json) {
      io.out(`burrow serve: listening on ${started.url}`);
      io.out(`  store    SQLite ${db}`);
      io.out(`  executor ${executor.description}`);
      io.out(`  auth     ${config.token === null ? 'none (loopback only)' : 'bearer token'}`);
      io.out('  Ctrl-C drains and stops; a second Ctrl-C forces.');
    }
    await whenAborted(shutdown.graceful);
  } catch (error: unknown) {
    if (!shutdown.graceful.aborted) throw error;
    // A signal during startup (recovery aborted by it): fall through to the shutdown.
    logger.warn({ error: toError(error).message }, 'startup interrupted by a signal');
  } finally {
    try {
      await stopEverything(server, runtime, shutdown.forced);
    } finally {
      shutdown.dispose();
    }
  }
  const forced = shutdown.forced.aborted;
  announce(io, config, { event: 'stopped', forced });
  io.err(forced ? 'burrow: stopped (forced)' : 'burrow: stopped');
  return forced ? EXIT.interrupted : EXIT.ok;
}

/**
 * Stops accepting connections and drains the runtime at the same time: the runtime's close settles
 * the waiters of `?wait=` requests and ends SSE streams, which lets the server's close finish. On the
 * second signal the runtime's close escalates to hard cancel, and we stop waiting for the server.
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
