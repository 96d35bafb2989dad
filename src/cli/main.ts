#!/usr/bin/env node
// The `burrow` executable: wires the commands to the process (argv, env, stdout/stderr, signals, exit code).

import { BurrowApiError } from '../client/client-errors.js';
import { toError } from '../core/errors.js';
import { runApprovals, runDecide } from './approvals-command.js';
import { runBench } from './bench-command.js';
import { runCheckMachineCommand } from './check-machine-command.js';
import { processIo, type CliIo } from './cli-io.js';
import { cliEnv, ConfigError } from './config.js';
import { runDemo } from './demo-command.js';
import { runDoctor } from './doctor-command.js';
import { CliError, EXIT, exitCodeFor, failureDetail, type ExitCode } from './exit-codes.js';
import { runCli, type CommandHandlers } from './program.js';
import { runSend } from './send-command.js';
import { runSessions } from './sessions-command.js';
import { listenForShutdown } from './shutdown-signals.js';
import { runTail } from './tail-command.js';

/** The real handlers, bound to this process. */
export function processHandlers(io: CliIo, env: NodeJS.ProcessEnv): CommandHandlers {
  const vars = cliEnv(env);
  return {
    // Loaded on demand: the server (hono) and SQLite are needed by `serve` alone.
    serve: async (flags) => (await import('./serve-command.js')).runServe(flags, { io, env: vars }),
    demo: (flags) => runDemo(flags, io),
    sessions: (flags) => runSessions(flags, { io, env: vars }),
    send: (id, text, flags) => runSend(id, text, flags, { io, env: vars }),
    tail: async (id, flags) => {
      // Ctrl-C ends the stream: exit 130, as for any interrupted command.
      const signals = listenForShutdown();
      try {
        return await runTail(id, flags, { io, env: vars, signal: signals.graceful });
      } finally {
        signals.dispose();
      }
    },
    approvals: (id, flags) => runApprovals(id, flags, { io, env: vars }),
    decide: (id, decision, flags) => runDecide(id, decision, flags, { io, env: vars }),
    checkMachine: (flags) => runCheckMachineCommand(flags, io),
    bench: (filter, flags) => runBench(filter, flags, io),
    doctor: (flags) => runDoctor(flags, { io, env: vars }),
  };
}

/** Prints a failure (one line, or a JSON object with `--json`) and returns its exit code. */
export function reportFailure(error: unknown, io: CliIo, json: boolean): ExitCode {
  const code = exitCodeFor(error);
  const issues = error instanceof ConfigError ? error.issues : null;
  const detail = failureDetail(error);
  if (json) {
    io.out(
      JSON.stringify({
        error: toError(error).message,
        exitCode: code,
        ...(issues ? { issues } : {}),
        ...detail,
      }),
    );
  } else if (issues !== null) {
    io.err(`burrow: configuration error${issues.length > 1 ? 's' : ''}:`);
    for (const issue of issues) io.err(`  - ${issue}`);
  } else {
    io.err(`burrow: ${toError(error).message}`);
  }
  if (code === EXIT.failure && !(error instanceof CliError || error instanceof BurrowApiError)) {
    const stack = toError(error).stack;
    if (stack !== undefined && process.env['BURROW_DEBUG'] === '1') io.err(stack);
  }
  return code;
}

async function main(): Promise<void> {
  const io = processIo();
  const argv = process.argv.slice(2);
  let code: ExitCode;
  try {
    code = await runCli(argv, processHandlers(io, process.env), io);
  } catch (error: unknown) {
    code = reportFailure(error, io, argv.includes('--json'));
  }
  process.exitCode = code;
}

await main();
