// The CLI's exit codes (documented in docs/cli.md) and the mapping from whatever was thrown to one of them.

import { BurrowApiError, BurrowUnreachableError } from '../client/client-errors.js';
import { isBurrowError } from '../core/errors.js';
import { ConfigError } from './config.js';

/** What `--json` prints about a failure besides its message: the refused request's problem, or where the server was not found. */
export function failureDetail(error: unknown): Readonly<Record<string, unknown>> {
  if (error instanceof CliError) return error.detail;
  if (error instanceof BurrowApiError) return { status: error.status, problem: error.problem };
  if (error instanceof BurrowUnreachableError) return { url: error.url, reason: error.reason };
  return {};
}

/** Exit codes of `burrow`. Stable: scripts depend on them. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** The command failed: a refused request, a failed check, a failed benchmark, a model-check failure. */
  failure: 1,
  /** Bad usage or configuration: unknown flag, bad value, missing variables; nothing was done. */
  usage: 2,
  /** The server could not be reached (connection refused, DNS, timeout). */
  unreachable: 3,
  /** Interrupted: Ctrl-C on a client command, or a second signal that forced `serve` to stop. */
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure the CLI reports in one line and exits with. `detail` is printed as JSON with `--json`.
 *
 * @example
 * throw new CliError(EXIT.unreachable, 'cannot reach http://127.0.0.1:7420: connection refused');
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly detail: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The exit code for anything a command threw: a refused request is 1, an unreachable server 3. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof BurrowApiError) return EXIT.failure;
  if (error instanceof BurrowUnreachableError) return EXIT.unreachable;
  if (error instanceof ConfigError) return EXIT.usage;
  if (isBurrowError(error, 'validation_failed')) return EXIT.usage;
  return EXIT.failure;
}
