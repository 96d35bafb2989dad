// Throughput of 1 and 3 hosts on one PostgreSQL (issue 11): real `burrow serve --pg` processes with
// the echo executor, many sessions registered round-robin over the hosts, and concurrent clients each
// sending `POST .../inputs?wait=` turn after turn — to the session's owner (a client that knows where
// sessions live), or, with 3 hosts, to a random host (no load balancer: two requests in three are
// forwarded through the database to the owner). Completed turns per second, median of rounds.
// Needs BURROW_BENCH_PG_URL (or BURROW_TEST_PG_URL); without one the suite reports nothing.

import { performance } from 'node:perf_hooks';
import type { BenchResult } from './bench-result.js';
import { median, round } from './bench-result.js';
import { benchPgUrl, dropSchema, newSchema } from './durable-turn-postgres.bench.js';
import type { BenchHost } from './host-processes.js';
import { killBenchHost, postJson, startBenchHost } from './host-processes.js';

const SESSIONS = 60;
const CLIENTS = 24;

/** How clients pick the host of a request. */
type Routing = 'owner' | 'random';

/** Completed turns per second with `hosts` hosts for `ms`, after a warm-up. */
async function measure(url: string, hosts: number, routing: Routing, ms: number): Promise<number> {
  const schema = newSchema('hosts');
  const started: BenchHost[] = [];
  try {
    // The first host creates the schema; the others open it.
    started.push(await startBenchHost(url, schema, 'host-0', ['--executor', 'echo']));
    const rest = Array.from({ length: hosts - 1 }, (_, i) =>
      startBenchHost(url, schema, `host-${i + 1}`, ['--executor', 'echo']),
    );
    started.push(...(await Promise.all(rest)));
    const owner = (i: number): BenchHost => started[i % started.length] as BenchHost;
    for (let i = 0; i < SESSIONS; i += 1)
      await postJson(`${owner(i).url}/v1/sessions`, { id: `s${i}` });
    let completed = 0;
    let counting = false;
    let stop = false;
    const client = async (c: number): Promise<void> => {
      for (let n = 0; !stop; n += 1) {
        const session = (c * 7 + n * 13) % SESSIONS;
        const host =
          routing === 'owner'
            ? owner(session)
            : (started[Math.floor(Math.random() * started.length)] as BenchHost);
        const answer = await postJson(`${host.url}/v1/sessions/s${session}/inputs?wait=30s`, {
          kind: 'prompt',
          content: `turn ${n}`,
        });
        if (counting && (answer['outcome'] as { status?: string } | null)?.status === 'completed')
          completed += 1;
      }
    };
    const clients = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, ms / 2)));
    counting = true;
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const elapsed = performance.now() - start;
    counting = false;
    const rate = (completed * 1000) / elapsed;
    stop = true;
    await clients;
    return rate;
  } finally {
    await Promise.all(started.map(killBenchHost));
    await dropSchema(url, schema);
  }
}

/** The suite: 1 host, 3 hosts with owner-routed clients, 3 hosts with clients on random hosts. */
export async function runHostsThroughput(quick: boolean): Promise<BenchResult[]> {
  const url = benchPgUrl();
  if (url === null) return [];
  const rounds = quick ? 1 : 3;
  const ms = quick ? 2_000 : 6_000;
  const one: number[] = [];
  const three: number[] = [];
  const random: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    one.push(await measure(url, 1, 'owner', ms));
    three.push(await measure(url, 3, 'owner', ms));
    random.push(await measure(url, 3, 'random', ms));
  }
  const base = round(median(one));
  const note = `${SESSIONS} sessions, ${CLIENTS} clients waiting for each turn (?wait=), echo executor; every process on this 2-core machine`;
  return [
    {
      name: 'turns/s, 1 host on PostgreSQL',
      value: base,
      unit: 'turns/s',
      higherIsBetter: true,
      note,
    },
    {
      name: 'turns/s, 3 hosts on one PostgreSQL (clients at the owner)',
      value: round(median(three)),
      unit: 'turns/s',
      peer: '1 host',
      peerValue: base,
      higherIsBetter: true,
      note: 'same load; see bench/notes.md on scaling on 2 cores',
    },
    {
      name: 'turns/s, 3 hosts on one PostgreSQL (clients at random hosts)',
      value: round(median(random)),
      unit: 'turns/s',
      peer: '1 host',
      peerValue: base,
      higherIsBetter: true,
      note: 'two requests in three forwarded to the owner through the database',
    },
  ];
}
