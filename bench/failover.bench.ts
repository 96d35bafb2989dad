// Failover on PostgreSQL (issue 11): three real `burrow serve --pg` hosts (scripted executor, lease
// time to live 3 s, sweep every 500 ms); one owns a few sessions, each in the middle of a turn, and is
// SIGKILLed. For each session, the time from the kill to its turn starting again on another host (the
// `run.started` event the new owner commits, stamped with its clock: every host runs on this machine).
// p50 and p99 over every session of every kill. Needs BURROW_BENCH_PG_URL (or BURROW_TEST_PG_URL).

import { setTimeout as delay } from 'node:timers/promises';
import { runtimeIdOf } from '../dist/index.js';
import { openPostgresStore } from '../dist/postgres.js';
import type { BenchResult } from './bench-result.js';
import { quantile, round } from './bench-result.js';
import { benchPgUrl, dropSchema, newSchema } from './durable-turn-postgres.bench.js';
import type { BenchHost } from './host-processes.js';
import { killBenchHost, postJson, startBenchHost } from './host-processes.js';

const LEASE_TTL = '3s';
const SWEEP_INTERVAL = '500ms';
const SESSIONS = 8;
const ARGS = [
  '--executor',
  'scripted',
  '--step-ms',
  '1500',
  '--lease-ttl',
  LEASE_TTL,
  '--sweep-interval',
  SWEEP_INTERVAL,
];

/** The `at` (ms) of each session's first `run.started` at or after `since`, once all have one. */
async function runStarts(
  store: Awaited<ReturnType<typeof openPostgresStore>>,
  since: number,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const starts: number[] = [];
    for (let i = 0; i < SESSIONS; i += 1) {
      const events = await store.readEvents(runtimeIdOf(`f${i}`), 0, Number.POSITIVE_INFINITY);
      const at = events
        .filter((e) => e.type === 'run.started')
        .map((e) => Date.parse(e.at))
        .find((t) => t >= since);
      if (at !== undefined) starts.push(at);
    }
    if (starts.length === SESSIONS) return starts;
    if (Date.now() > deadline)
      throw new Error(`only ${starts.length} of ${SESSIONS} turns started`);
    await delay(25);
  }
}

/** One kill: the failover time of each of the victim's sessions (ms). */
async function oneKill(url: string): Promise<number[]> {
  const schema = newSchema('failover');
  const hosts: BenchHost[] = [];
  const store = await openPostgresStore(url, { schema, poolSize: 2 });
  try {
    hosts.push(await startBenchHost(url, schema, 'host-0', ARGS));
    hosts.push(
      ...(await Promise.all([1, 2].map((i) => startBenchHost(url, schema, `host-${i}`, ARGS)))),
    );
    const victim = hosts[0] as BenchHost;
    for (let i = 0; i < SESSIONS; i += 1) {
      await postJson(`${victim.url}/v1/sessions`, { id: `f${i}` });
      await postJson(`${victim.url}/v1/sessions/f${i}/inputs`, { kind: 'prompt', content: 'go' });
    }
    await runStarts(store, 0, 30_000);
    // Let a renewal or two pass, so the kill lands anywhere in the heartbeat's cycle.
    await delay(700 + Math.floor(Math.random() * 500));
    const killedAt = Date.now();
    await killBenchHost(victim);
    const starts = await runStarts(store, killedAt, 60_000);
    return starts.map((at) => at - killedAt);
  } finally {
    await Promise.all(hosts.map(killBenchHost));
    await store.close();
    await dropSchema(url, schema);
  }
}

/** The suite: p50 and p99 of the failover time over every session of every kill. */
export async function runFailover(quick: boolean): Promise<BenchResult[]> {
  const url = benchPgUrl();
  if (url === null) return [];
  const samples: number[] = [];
  for (let k = 0; k < (quick ? 1 : 5); k += 1) samples.push(...(await oneKill(url)));
  const note = `lease ${LEASE_TTL} (renewed every 500 ms), sweep every ${SWEEP_INTERVAL}; ${samples.length} sessions over ${quick ? 1 : 5} kills`;
  return [
    {
      name: 'failover: SIGKILL of the owner to the turn running on another host, p50',
      value: round(quantile(samples, 0.5)),
      unit: 'ms',
      note,
    },
    {
      name: 'failover: SIGKILL of the owner to the turn running on another host, p99',
      value: round(quantile(samples, 0.99)),
      unit: 'ms',
      note,
    },
  ];
}
