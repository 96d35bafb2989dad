// The argument parsers and shared flags of the `burrow` command line.

import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../core/duration.js';

/** A non-negative integer argument (`--since`, `--offset`, `--max`). */
export function count(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer.');
  return Number(value);
}

/** A page size from 1 to 1000 (`--limit`). */
export function pageSize(value: string): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > 1000) throw new InvalidArgumentError('expected an integer from 1 to 1000.');
  return n;
}

/** A duration as the server reads it: `30s`, `1500ms`, `2m` or bare milliseconds. */
export function duration(value: string): string {
  if (parseDuration(value) === null) {
    throw new InvalidArgumentError('expected a duration such as 30s, 1500ms or 2m.');
  }
  return value;
}

/** Adds the flags every client command shares: `--url`, `--token`, `--json`. */
export function clientOptions(command: Command): Command {
  return command
    .option('--url <url>', 'server URL (env BURROW_URL; default http://127.0.0.1:7420)')
    .option('--token <token>', 'bearer token (env BURROW_TOKEN)')
    .option('--json', 'print JSON for scripts');
}
