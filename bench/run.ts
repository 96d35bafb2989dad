// `npm run bench`: runs every benchmark, prints a summary table (or JSON objects with `--json`), and with
// `--write` records the results and the command in docs/benchmarks.md. `--quick` shrinks the workloads.
// Benchmarks measure the compiled runtime in dist/ (what users run): `npm run bench` builds first.

import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchResult } from './bench-result.js';
import { runAcceptLatency } from './accept-latency.bench.js';
import { runIdleSessions } from './idle-sessions.bench.js';
import { runTurnOverhead } from './turn-overhead.bench.js';
import { runDurableAccept } from './durable-accept.bench.js';
import { runDurableTurn } from './durable-turn.bench.js';
import { runDurableTurnPostgres } from './durable-turn-postgres.bench.js';
import { runRecovery } from './recovery.bench.js';
import { runHostsThroughput } from './hosts-throughput.bench.js';
import { runFailover } from './failover.bench.js';

/** A named group of figures. */
export interface BenchSuite {
  readonly name: string;
  readonly run: (quick: boolean) => Promise<BenchResult[]>;
}

/** Every suite, in the order they run. Durable-store suites register here too. */
export const SUITES: BenchSuite[] = [
  { name: 'turn overhead (memory mode)', run: runTurnOverhead },
  { name: 'accept-to-executor latency', run: runAcceptLatency },
  { name: 'idle sessions', run: runIdleSessions },
  { name: 'durable turn (SQLite)', run: runDurableTurn },
  { name: 'durable accept throughput (SQLite)', run: runDurableAccept },
  { name: 'recovery (SQLite)', run: runRecovery },
  { name: 'durable turn (PostgreSQL)', run: runDurableTurnPostgres },
  { name: 'throughput, 1 and 3 hosts (PostgreSQL)', run: runHostsThroughput },
  { name: 'failover (PostgreSQL)', run: runFailover },
];

function ratio(r: BenchResult): string {
  if (r.peerValue === undefined || r.value === 0 || r.peerValue === 0) return '';
  const better = r.higherIsBetter === true ? r.value / r.peerValue : r.peerValue / r.value;
  const [up, down] =
    r.unit === 'bytes' || r.unit === 'MB' ? ['smaller', 'larger'] : ['better', 'worse'];
  return better >= 1 ? `${better.toFixed(2)}x ${up}` : `${(1 / better).toFixed(2)}x ${down}`;
}

function table(results: readonly BenchResult[]): string {
  const lines = [
    '| Benchmark | Burrow | Peer | Peer value | Burrow vs peer | Target | Note |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.name} | ${r.value} ${r.unit} | ${r.peer ?? ''} | ${r.peerValue === undefined ? '' : `${r.peerValue} ${r.unit}`} | ${ratio(r)} | ${r.target ?? ''} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  const only = process.argv
    .slice(2)
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length);
  if (args.has('--write') && only !== undefined) {
    // docs/benchmarks.md is one whole run: writing a selection would drop every other row.
    process.stderr.write('--write records a whole run; run it without --only\n');
    process.exitCode = 2;
    return;
  }
  const results: BenchResult[] = [];
  for (const suite of SUITES.filter((s) => only === undefined || s.name.includes(only))) {
    if (!args.has('--json')) process.stderr.write(`running ${suite.name}...\n`);
    results.push(...(await suite.run(quick)));
  }
  if (args.has('--json')) {
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    process.stdout.write(`${table(results)}\n`);
  }
  if (args.has('--write')) {
    const doc = [
      '# Benchmarks',
      '',
      'Produced by `npm run bench -- --write` on the development machine (2 cores, shared and noisy:',
      'figures are medians of several rounds, and every peer is measured in the same run).',
      '',
      `Run at ${new Date().toISOString()} with Node ${process.version}.`,
      '',
      table(results),
      '',
      '## Notes',
      '',
      // Hand-written context for the figures (what changed since the last run, and why).
      readFileSync(new URL('./notes.md', import.meta.url), 'utf8').trim(),
      '',
    ].join('\n');
    writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), doc);
  }
}

await main();
