// One campaign of the three-host test (issue 11): three `burrow serve --pg` hosts on one schema,
// clients sending to random hosts, and rounds of two kill points each — SIGKILL a host in the middle of
// a turn and restart it at once (same host id), then SIGSTOP another in the middle of a turn until
// another host has claimed its session after the lease expired, and SIGCONT it: its late commit must
// be fenced (and counted on its /metrics). Then the clients stop, nobody sends anything again, every
// acknowledged input must become terminal by itself, and host-checks.ts judges the store.

import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { runtimeIdOf, type RuntimeStore } from '../../src/store/runtime-store.js';
import type { SeededRandom } from '../crash/seeded-random.js';
import { killChildren } from '../e2e/support/cli-process.js';
import { seededRandom } from '../crash/seeded-random.js';
import type { CheckReport } from './host-checks.js';
import { checkHosts, unfinished } from './host-checks.js';
import type { Ack, ClientFleet, ClientLog } from './host-clients.js';
import { runClient, sendTo } from './host-clients.js';
import type { FleetConfig, Host, SideRecord } from './host-fleet.js';
import { readSideFile, scrapeCounter, signalHost, startHost } from './host-fleet.js';

const HOST_IDS = ['host-a', 'host-b', 'host-c'];
const CLIENTS = 3;
/** Each of the two steps of a turn the scenario interrupts: long enough to be caught in the middle. */
const LONG_STEP_MS = 1_500;

/** What a campaign did and found. */
export interface HostsCampaignResult {
  readonly kills: number;
  readonly pauses: number;
  readonly acks: number;
  /** Late commits of paused hosts that the store refused (from their /metrics). */
  readonly fencedCommits: number;
  readonly clients: ClientLog;
  readonly report: CheckReport;
  readonly story: readonly string[];
}

/** Polls `check` every 50 ms until it holds; throws with `what` after `ms`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(50);
  }
}

/** The campaign's moving parts. */
interface State {
  readonly config: FleetConfig;
  readonly store: RuntimeStore;
  readonly random: SeededRandom;
  readonly hosts: Host[];
  readonly sessions: string[];
  readonly fleet: ClientFleet;
  readonly story: string[];
  /** Inputs of the interrupted turns, and the interrupted run (which must never commit). */
  readonly interrupted: { ack: Ack; runId: string }[];
}

/**
 * Starts a turn of `stepMs` steps on host `index`, in a session it owns (a new one when it owns none
 * that takes the input), and returns the input and the run record once the turn started on it.
 */
async function longTurnOn(state: State, index: number, name: string): Promise<Ack> {
  const host = state.hosts[index] as Host;
  const owned: string[] = [];
  for (const sessionId of state.sessions)
    if ((await state.store.owner?.(runtimeIdOf(sessionId)))?.hostId === host.hostId)
      owned.push(sessionId);
  const body = { inputId: name, content: name, metadata: { stepMs: LONG_STEP_MS } };
  for (const sessionId of state.random.shuffle(owned))
    if (await sendTo(host.url, sessionId, body)) return { sessionId, inputId: name };
  const sessionId = `fresh-${name}`;
  const response = await fetch(`${host.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: sessionId }),
  });
  if (response.status !== 201) throw new Error(`register ${sessionId}: ${response.status}`);
  state.sessions.push(sessionId);
  if (!(await sendTo(host.url, sessionId, body))) throw new Error(`${name} refused by its owner`);
  return { sessionId, inputId: name };
}

/** The run record of the turn that took `inputId`, once it started. */
async function runOf(state: State, inputId: string): Promise<Extract<SideRecord, { t: 'run' }>> {
  let found: Extract<SideRecord, { t: 'run' }> | undefined;
  await until(
    async () => {
      found = (await readSideFile(state.config.sideFile)).find(
        (r): r is Extract<SideRecord, { t: 'run' }> =>
          r.t === 'run' && r.inputIds.includes(inputId),
      );
      return found !== undefined;
    },
    30_000,
    `the turn of ${inputId} to start`,
  );
  return found as Extract<SideRecord, { t: 'run' }>;
}

/** True when `runId` committed (its receipt is in the store). */
async function committed(state: State, sessionId: string, runId: string): Promise<boolean> {
  const receipts = await state.store.readReceipts(runtimeIdOf(sessionId), 0, Infinity);
  return receipts.some((receipt) => receipt.runId === runId);
}

/**
 * Kill point 1: SIGKILL host `index` in the middle of a turn, and restart it at once; false when the
 * turn had moved elsewhere or committed before the kill.
 */
async function killMidTurn(state: State, index: number, round: number): Promise<boolean> {
  const host = state.hosts[index] as Host;
  const ack = await longTurnOn(state, index, `long-kill-${round}`);
  const run = await runOf(state, ack.inputId);
  if (run.pid !== host.pid) return false;
  signalHost(host, 'SIGKILL');
  await host.handle.exited;
  // A turn that committed just before the kill is not an interrupted one.
  const interrupted = !(await committed(state, ack.sessionId, run.runId));
  if (interrupted) state.interrupted.push({ ack, runId: run.runId });
  state.fleet.urls = state.hosts.filter((h) => h !== host).map((h) => h.url);
  const restarted = await startHost(state.config, host.hostId);
  state.hosts[index] = restarted;
  state.fleet.urls = state.hosts.map((h) => h.url);
  state.story.push(`round ${round}: killed ${host.hostId} (pid ${host.pid}) in ${run.runId}`);
  return interrupted;
}

/** Kill point 2: SIGSTOP host `index` mid-turn until another host claimed the session; SIGCONT it. */
async function pauseMidTurn(state: State, index: number, round: number): Promise<number | null> {
  const host = state.hosts[index] as Host;
  const ack = await longTurnOn(state, index, `long-pause-${round}`);
  const run = await runOf(state, ack.inputId);
  const before = await scrapeCounter(host, 'burrow_fenced_commits_total');
  if (run.pid !== host.pid || before === null) return null;
  signalHost(host, 'SIGSTOP');
  if (await committed(state, ack.sessionId, run.runId)) {
    signalHost(host, 'SIGCONT');
    return null;
  }
  state.interrupted.push({ ack, runId: run.runId });
  const rt = runtimeIdOf(ack.sessionId);
  await until(
    async () => {
      const owner = await state.store.owner?.(rt);
      return owner !== null && owner !== undefined && owner.hostId !== host.hostId;
    },
    30_000,
    `another host to claim ${ack.sessionId} from paused ${host.hostId}`,
  );
  signalHost(host, 'SIGCONT');
  let after = before;
  await until(
    async () =>
      (after = (await scrapeCounter(host, 'burrow_fenced_commits_total')) ?? after) > before,
    30_000,
    `${host.hostId}'s late commit to be fenced`,
  );
  state.story.push(
    `round ${round}: paused ${host.hostId} (pid ${host.pid}) in ${run.runId}; ${after - before} fenced`,
  );
  return after - before;
}

/** Runs a campaign of `rounds` rounds (see the file header) on `schema`; kills its hosts at the end. */
export async function runHostsCampaign(options: {
  pgUrl: string;
  schema: string;
  dir: string;
  seed: number;
  rounds: number;
}): Promise<HostsCampaignResult> {
  const config = {
    pgUrl: options.pgUrl,
    schema: options.schema,
    sideFile: join(options.dir, 'runs.jsonl'),
  };
  // The schema is created once, before the hosts race to open it.
  const store = await openPostgresStore(options.pgUrl, { schema: options.schema });
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
    try {
      for (let round = 1; round <= options.rounds; round += 1) {
        await delay(random.int(200, 800));
        const victim = random.int(0, 2);
        if (await killMidTurn(state, victim, round)) kills += 1;
        const paused = await pauseMidTurn(state, (victim + random.int(1, 2)) % 3, round);
        if (paused !== null) {
          pauses += 1;
          fencedCommits += paused;
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
    return { kills, pauses, acks: acks.length, fencedCommits, clients: log, report, story };
  } finally {
    await killChildren();
    await store.close();
  }
}
