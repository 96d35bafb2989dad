// The `burrow serve` command's registration: its flags and help (commander@14).

import { type Command, Option } from 'commander';
import type { ServeFlags } from './config.js';
import { EXECUTOR_NAMES, LOG_LEVELS } from './config.js';

/** Adds `serve` to `program`; `action` runs with the parsed flags. */
export function addServeCommand(program: Command, action: (flags: ServeFlags) => void): void {
  program
    .command('serve')
    .description(
      'run the HTTP server with the SQLite store (or PostgreSQL with --pg); recovers durable sessions first',
    )
    .option('--db <path>', 'SQLite file (env BURROW_DB; default ./.burrow/runtime.db)')
    .option(
      '--pg <url>',
      'run on PostgreSQL instead of SQLite: postgres://user@host/db (env BURROW_PG_URL)',
    )
    .option(
      '--pg-schema <name>',
      'PostgreSQL schema of the tables (env BURROW_PG_SCHEMA; default burrow)',
    )
    .option('--host <host>', 'address to listen on (env BURROW_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port, 0 for any free port (env BURROW_PORT; default 7420)')
    .addOption(
      new Option('--executor <name>', 'the agent (env BURROW_EXECUTOR; default echo)').choices(
        EXECUTOR_NAMES,
      ),
    )
    .option(
      '--example-tools',
      'openai-compatible: add the currentTime, calculator and saveNote (needs approval) tools',
    )
    .option(
      '--step-ms <ms>',
      'scripted: delay of each of a turn’s 3 steps (env BURROW_SCRIPTED_STEP_MS; default 4000)',
    )
    .option(
      '--drain-timeout <duration>',
      'after the first Ctrl-C, roll back turns still running after this long (env BURROW_DRAIN_TIMEOUT; default 20s)',
    )
    .option('--token <token>', 'require this bearer token (env BURROW_TOKEN)')
    .option(
      '--host-id <id>',
      'the id this server’s session leases carry (env BURROW_HOST_ID; default a new id per process)',
    )
    .option(
      '--lease-ttl <duration>',
      'how long a session lease lasts unless renewed (env BURROW_LEASE_TTL; default 30s)',
    )
    .option(
      '--sweep-interval <duration>',
      'how often to look for sessions a gone host left (env BURROW_SWEEP_INTERVAL; default 5s)',
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'pino log level (env BURROW_LOG_LEVEL; default warn)',
      ).choices(LOG_LEVELS),
    )
    .option('--json', 'print startup and shutdown as JSON lines')
    .action(action);
}
