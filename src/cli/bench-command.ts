// `burrow bench`: runs the benchmark suite (bench/run.ts, what `npm run bench` runs) in a child process,
// draws progress from its "running <suite>..." lines, and prints its table or the results as JSON.

import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CliIo } from './cli-io.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { packageRoot } from './package-info.js';
import { startProgress } from './progress-bar.js';

/** A markdown table the suite printed, with the line above it as its title. */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Flags of `burrow bench`. */
export interface BenchFlags {
  readonly json?: boolean;
  /** Smaller workloads (`--quick` of the suite). */
  readonly quick?: boolean;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

/** Extracts the markdown tables of the suite's output (separator rows dropped). */
export function parseTables(output: string): BenchTable[] {
  const tables: BenchTable[] = [];
  let title = '';
  let current: { title: string; columns: string[]; rows: string[][] } | null = null;
  for (const line of output.split('\n')) {
    if (line.trim().startsWith('|')) {
      if (current === null) {
        current = { title, columns: cells(line), rows: [] };
        tables.push(current);
      } else if (!/^\|[\s|:-]+\|$/.test(line.trim())) {
        current.rows.push(cells(line));
      }
      continue;
    }
    current = null;
    if (line.trim() !== '') title = line.trim();
  }
  return tables;
}

/** The rows of the tables as objects keyed by column (what `--json` prints). */
export function tableRecords(tables: readonly BenchTable[]): Record<string, string>[] {
  return tables.flatMap((table) =>
    table.rows.map((row) =>
      Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? ''])),
    ),
  );
}

async function checkSuite(root: string): Promise<string> {
  const entry = join(root, 'bench', 'run.ts');
  try {
    await access(entry);
  } catch {
    throw new CliError(
      EXIT.failure,
      `no bench/run.ts in ${root}: burrow bench runs from a clone of the repository`,
    );
  }
  try {
    createRequire(join(root, 'package.json')).resolve('tsx');
  } catch {
    throw new CliError(
      EXIT.failure,
      'burrow bench needs tsx (a development dependency): run npm install in the clone',
    );
  }
  return entry;
}

/**
 * Runs the suite; exit 1 when it fails. `filter` keeps the suites whose name contains it. The bar counts
 * the suites started so far (the suite announces each one on stderr).
 */
export async function runBench(
  filter: string | undefined,
  flags: BenchFlags,
  io: CliIo,
  root: string = packageRoot(),
): Promise<ExitCode> {
  const entry = await checkSuite(root);
  const args = ['--import', 'tsx', entry];
  if (flags.quick === true) args.push('--quick');
  if (filter !== undefined) args.push(`--only=${filter}`);
  const progress = startProgress(io, 'bench', 0);
  const started = performance.now();
  const suites: string[] = [];
  let stdout = '';
  let stderr = '';
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      for (const match of chunk.toString('utf8').matchAll(/^running (.+?)\.\.\.$/gm)) {
        suites.push(match[1] ?? '');
        progress.update(suites.length - 1, suites.length, match[1]);
      }
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = exitCode === 0;
  progress.finish(
    flags.json === true
      ? undefined
      : `${ok ? 'ran' : 'FAILED after'} ${suites.length} suites in ${seconds} s`,
  );
  if (ok && suites.length === 0) {
    throw new CliError(EXIT.usage, `no benchmark suite matches ${JSON.stringify(filter ?? '')}`);
  }
  const tables = parseTables(stdout);
  if (flags.json === true) {
    io.out(JSON.stringify({ ok, exitCode, suites, results: tableRecords(tables) }));
  } else {
    io.out(stdout.trimEnd());
  }
  if (!ok) {
    throw new CliError(
      EXIT.failure,
      `the benchmark suite exited with ${String(exitCode)}:\n${stderr.trimEnd()}`,
    );
  }
  return EXIT.ok;
}
