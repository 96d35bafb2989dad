// The `burrow` command line: commands, flags and help (commander@14). Actions are injected, so parsing is testable.

import { Command, CommanderError, Option } from 'commander';
import { WHEN_BUSY, type WhenBusy } from '../core/input-kinds.js';
import { PHASES } from '../core/machine/state.js';
import type { BenchFlags } from './bench-command.js';
import type { CliIo } from './cli-io.js';
import type { ClientFlags } from './client-config.js';
import type { ServeFlags } from './config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { packageVersion } from './package-info.js';
import { addServeCommand } from './program-serve.js';
import { clientOptions, count, duration, pageSize } from './program-arguments.js';
import type { SessionsFlags } from './sessions-command.js';
import type { ApprovalsFlags, DecideFlags } from './approvals-command.js';

/** Flags of `burrow send`. */
export interface SendFlags extends ClientFlags {
  readonly whenBusy?: WhenBusy;
  /** `true` for `--wait` alone (the default timeout), or the duration given (`30s`, `500ms`). */
  readonly wait?: string | true;
  readonly create?: boolean;
  readonly idempotencyKey?: string;
}

/** The orders of `burrow sessions --sort`. */
const SESSION_SORTS = ['id', '-id', 'phase', '-queue'] as const satisfies readonly NonNullable<
  SessionsFlags['sort']
>[];

/** Flags of `burrow tail`. */
export interface TailFlags extends ClientFlags {
  readonly since?: number;
  readonly max?: number;
}

/** What each command does once its arguments are parsed; every handler resolves to an exit code. */
export interface CommandHandlers {
  serve(flags: ServeFlags): Promise<ExitCode>;
  demo(flags: { readonly json?: boolean; readonly fakeLlm?: boolean }): Promise<ExitCode>;
  sessions(flags: SessionsFlags): Promise<ExitCode>;
  send(sessionId: string, text: string, flags: SendFlags): Promise<ExitCode>;
  tail(sessionId: string, flags: TailFlags): Promise<ExitCode>;
  approvals(sessionId: string | undefined, flags: ApprovalsFlags): Promise<ExitCode>;
  decide(approvalId: string, decision: 'approve' | 'deny', flags: DecideFlags): Promise<ExitCode>;
  checkMachine(flags: { readonly json?: boolean }): Promise<ExitCode>;
  bench(filter: string | undefined, flags: BenchFlags): Promise<ExitCode>;
  doctor(flags: {
    readonly db?: string;
    readonly pg?: string;
    readonly pgSchema?: string;
    readonly json?: boolean;
  }): Promise<ExitCode>;
}

/** Builds the program. `run` receives the exit code of whichever command ran. */
export function buildProgram(
  handlers: CommandHandlers,
  io: CliIo,
  run: (code: Promise<ExitCode>) => void,
): Command {
  const program = new Command('burrow')
    .description('A runtime control plane for AI-agent sessions.')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run burrow help for the commands)')
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });

  addServeCommand(program, (flags) => run(handlers.serve(flags)));

  program
    .command('demo')
    .description('a narrated tour of the runtime in one process: queue, steer, interrupt, ...')
    .option('--fake-llm', 'also run one turn of the real AI SDK agent against a local fake model')
    .option('--json', 'print the steps and outcomes as JSON')
    .action((flags: { json?: boolean; fakeLlm?: boolean }) => run(handlers.demo(flags)));

  clientOptions(program.command('sessions').description('list the sessions of a running server'))
    .option('--offset <n>', 'skip the first n sessions', count)
    .option('--limit <n>', 'at most n sessions, 1 to 1000 (default 100)', pageSize)
    .addOption(new Option('--phase <phase>', 'only sessions in this phase').choices(PHASES))
    .option('--search <text>', 'only sessions whose id contains this text')
    .addOption(
      new Option('--sort <order>', 'id (default), -id, phase, or -queue (busiest first)').choices(
        SESSION_SORTS,
      ),
    )
    .action((flags: SessionsFlags) => run(handlers.sessions(flags)));

  clientOptions(
    program
      .command('send')
      .description('send a prompt to a session of a running server')
      .argument('<id>', 'session id')
      .argument('<text>', 'the prompt'),
  )
    .addOption(
      new Option('--when-busy <policy>', 'what to do if a turn is running').choices(WHEN_BUSY),
    )
    .option('--wait [duration]', 'wait for the outcome: 30s, 1500ms, 2m (default 30s)', duration)
    .option('--create', 'register the session first if it does not exist')
    .option('--idempotency-key <key>', 'deduplicate retries of this send')
    .action((id: string, text: string, flags: SendFlags) => run(handlers.send(id, text, flags)));

  clientOptions(
    program
      .command('tail')
      .description('stream the events of a session (SSE; resumes after a disconnect)')
      .argument('<id>', 'session id'),
  )
    .option('--since <seq>', 'replay events after this sequence number', count)
    .option('--max <n>', 'exit after n events', count)
    .action((id: string, flags: TailFlags) => run(handlers.tail(id, flags)));

  clientOptions(
    program
      .command('approvals')
      .description('list the tool calls waiting for a decision (of one session, or of all)')
      .argument('[session]', 'session id (default: every session)'),
  ).action((id: string | undefined, flags: ApprovalsFlags) => run(handlers.approvals(id, flags)));

  for (const [name, decision, description] of [
    ['approve', 'approve', 'approve a pending tool call: the agent runs it and goes on'],
    ['deny', 'deny', 'deny a pending tool call: the agent is told, with the reason'],
  ] as const) {
    const command = clientOptions(
      program.command(name).description(description).argument('<approval>', 'approval id'),
    )
      .option('--session <id>', 'the session holding it (default: look in every session)')
      .option(
        '--wait [duration]',
        'wait for the outcome of the turn it starts: 30s, 1500ms, 2m (default 30s)',
        duration,
      );
    if (decision === 'deny') command.option('--reason <text>', 'why (the agent sees it)');
    command.action((id: string, flags: DecideFlags) => run(handlers.decide(id, decision, flags)));
  }

  program
    .command('check-machine')
    .description('run the exhaustive model check of the session machine')
    .option('--json', 'print the report as JSON')
    .action((flags: { json?: boolean }) => run(handlers.checkMachine(flags)));

  program
    .command('bench')
    .description('run the benchmark suite in bench/ (from a clone of the repository)')
    .argument('[filter]', 'only the suites whose name contains this')
    .option('--quick', 'smaller workloads')
    .option('--json', 'print the results as JSON')
    .action((filter: string | undefined, flags: BenchFlags) => run(handlers.bench(filter, flags)));

  program
    .command('doctor')
    .description('check Node.js, SQLite, the database file and an optional PostgreSQL URL')
    .option('--db <path>', 'SQLite file (env BURROW_DB; default ./.burrow/runtime.db)')
    .option(
      '--pg <url>',
      'PostgreSQL URL to check: connection and schema version (env BURROW_PG_URL, DATABASE_URL)',
    )
    .option(
      '--pg-schema <name>',
      'PostgreSQL schema to check (env BURROW_PG_SCHEMA; default burrow)',
    )
    .option('--json', 'print the checks as JSON')
    .action((flags: { db?: string; pg?: string; pgSchema?: string; json?: boolean }) =>
      run(handlers.doctor(flags)),
    );

  return program;
}

/**
 * Parses `argv` (without `node` and the script) and runs the chosen command.
 * Usage errors exit 2; `--help` and `--version` exit 0.
 */
export async function runCli(
  argv: readonly string[],
  handlers: CommandHandlers,
  io: CliIo,
): Promise<ExitCode> {
  let result: Promise<ExitCode> | null = null;
  const program = buildProgram(handlers, io, (code) => {
    result = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error: unknown) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  if (result === null) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  return result;
}
