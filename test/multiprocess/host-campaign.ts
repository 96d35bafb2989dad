// One campaign of the three-host test (issue 11): three `burrow serve --pg` hosts on one schema,
// clients sending to random hosts, and rounds of two kill points each — SIGKILL a host in the middle of
// a turn and restart it at once (same host id), then SIGSTOP another in the middle of a turn until
// another host has claimed its session after the lease expired, and SIGCONT it: its late commit must
// be fenced, or the session given up before any write (by its lease guard when it woke with a
// renewal still pending, or because its first renewal on waking did not renew that lease), either
// one counted on its /metrics. Then the clients stop, nobody sends anything
// again, every acknowledged input must become terminal by itself, and host-checks.ts judges the store.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { seededRandom } from '../crash/seeded-random.js';
import { killChildren } from '../e2e/support/cli-process.js';
import type { CheckReport } from './host-checks.js';
import { checkHosts, unfinished } from './host-checks.js';
import type { ClientFleet, ClientLog } from './host-clients.js';
import { runClient } from './host-clients.js';
import { readSideFile, startHost } from './host-fleet.js';
import type { State } from './host-kill-points.js';
import { until } from '../support/poll-until.js';
import { killMidTurn, pauseMidTurn } from './host-kill-points.js';

const HOST_IDS = ['host-a', 'host-b', 'host-c'];
const CLIENTS = 3;

/** What a campaign did and found. */
export interface HostsCampaignResult {
  readonly kills: number;
  readonly pauses: number;
  readonly acks: number;
  /** Late commits of paused hosts that the store refused (from their /metrics). */
  readonly fencedCommits: number;
  /** Sessions paused hosts gave up on waking, their leases lapsed (lease guard; /metrics). */
  readonly lapsed: number;
  readonly clients: ClientLog;
  readonly report: CheckReport;
  readonly story: readonly string[];
}

/**
 * Runs a campaign of `rounds` rounds (see the file header) on a schema and in a directory of its own,
 * both removed at the end, with its hosts.
 */
export async function runHostsCampaign(options: {
  pgUrl: string;
  seed: number;
  rounds: number;
}): Promise<HostsCampaignResult> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-hosts-'));
  const schema = createTestSchema(options.pgUrl);
  const config = { pgUrl: options.pgUrl, schema: schema.name, sideFile: join(dir, 'runs.jsonl') };
  // The schema is created once, before the hosts race to open it.
  const store = await openPostgresStore(options.pgUrl, { schema: schema.name });
  const random = seededRandom(options.seed);
  const story = [`seed ${options.seed}, ${options.rounds} rounds`];
  const log: ClientLog = { acks: [], unexpected: [], unacknowledged: [], fencedAnswers: 0 };
  try {
    const hosts = await Promise.all(HOST_IDS.map((id) => startHost(config, id)));
    const sessions = Array.from({ length: 6 }, (_, i) => `s${i}`);
    for (const [i, id] of sessions.entries()) {
      const response = await fetch(`${hosts[i % hosts.length]?.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      if (response.status !== 201) throw new Error(`register ${id}: ${response.status}`);
    }
    const fleet: ClientFleet = { urls: hosts.map((h) => h.url), stopped: false };
    const state: State = { config, store, random, hosts, sessions, fleet, story, interrupted: [] };
    const clientSessions = [...sessions];
    const clients = Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        runClient(fleet, `c${i}`, clientSessions, log, seededRandom(options.seed + i + 1)),
      ),
    );
    let kills = 0;
    let pauses = 0;
    let fencedCommits = 0;
    let lapsed = 0;
    try {
      for (let round = 1; round <= options.rounds; round += 1) {
        await delay(random.int(200, 800));
        const victim = random.int(0, 2);
        if (await killMidTurn(state, victim, round)) kills += 1;
        const paused = await pauseMidTurn(state, (victim + random.int(1, 2)) % 3, round);
        if (paused !== null) {
          pauses += 1;
          fencedCommits += paused.fenced;
          lapsed += paused.lapsed;
        }
      }
    } finally {
      fleet.stopped = true;
      await clients;
    }
    story.push(`clients stopped: ${log.acks.length} acknowledged`);
    // Nobody sends anything again: the hosts must finish every acknowledged input by themselves.
    const acks = [...log.acks, ...state.interrupted.map((i) => i.ack)];
    let missing: string[] = [];
    await until(
      async () => (missing = await unfinished(store, acks)).length === 0,
      60_000,
      'every acknowledged input to be terminal',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${story.join('\n')}\n${missing.slice(0, 20).join('\n')}`);
    });
    const report = await checkHosts(store, sessions, acks, await readSideFile(config.sideFile));
    // The interrupted turns never committed; their inputs were consumed by another run, with no
    // client's help (a paused host may run one again later, once it owns the session anew).
    for (const { ack, runId } of state.interrupted) {
      const consumer = report.consumedBy.get(`${ack.sessionId}/${ack.inputId}`);
      if (report.committedBy.has(runId) || consumer === undefined || consumer === runId)
        report.violations.push(`${ack.inputId}: interrupted in ${runId}, consumed by ${consumer}`);
    }
    const counts = { kills, pauses, fencedCommits, lapsed };
    return { ...counts, acks: acks.length, clients: log, report, story };
  } finally {
    await killChildren();
    await store.close();
    await schema.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
