// The kill points of the three-host campaign: a long turn started on a chosen host, then that host
// SIGKILLed mid-turn and restarted at once, or SIGSTOPped mid-turn until another host claimed the
// session and SIGCONTed, with what its /metrics say it refused or gave up.

import { until } from '../support/poll-until.js';
import { runtimeIdOf, type RuntimeStore } from '../../src/store/runtime-store.js';
import type { SeededRandom } from '../crash/seeded-random.js';
import type { Ack, ClientFleet } from './host-clients.js';
import { sendTo } from './host-clients.js';
import type { FleetConfig, Host, SideRecord } from './host-fleet.js';
import { readSideFile, scrapeCounter, signalHost, startHost } from './host-fleet.js';

/** Each of the two steps of a turn the scenario interrupts: long enough to be caught in the middle. */
const LONG_STEP_MS = 1_500;

/** The campaign's moving parts. */
export interface State {
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
export async function killMidTurn(state: State, index: number, round: number): Promise<boolean> {
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
export async function pauseMidTurn(
  state: State,
  index: number,
  round: number,
): Promise<{ fenced: number; lapsed: number } | null> {
  const host = state.hosts[index] as Host;
  const ack = await longTurnOn(state, index, `long-pause-${round}`);
  const run = await runOf(state, ack.inputId);
  const before = await withheld(host);
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
    async () => {
      after = (await withheld(host)) ?? after;
      return after.fenced + after.lapsed > before.fenced + before.lapsed;
    },
    30_000,
    `${host.hostId}'s late commit to be fenced (or the session given up)`,
  );
  const delta = { fenced: after.fenced - before.fenced, lapsed: after.lapsed - before.lapsed };
  state.story.push(
    `round ${round}: paused ${host.hostId} (pid ${host.pid}) in ${run.runId}; ${delta.fenced} fenced, ${delta.lapsed} lapsed`,
  );
  return delta;
}

/** A host's late writes refused (fenced commits) or withheld (leases given up), from its /metrics. */
async function withheld(host: Host): Promise<{ fenced: number; lapsed: number } | null> {
  const fenced = await scrapeCounter(host, 'burrow_fenced_commits_total');
  const lapsed = await scrapeCounter(host, 'burrow_leases_lapsed_total');
  return fenced === null || lapsed === null ? null : { fenced, lapsed };
}
