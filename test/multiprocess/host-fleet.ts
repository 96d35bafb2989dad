// The hosts of the three-host test: real `burrow serve --pg` processes (host-child.mjs: the built CLI
// with a recording executor), each with its own host id and a short lease, on one PostgreSQL schema;
// started, SIGKILLed and restarted, SIGSTOPped and SIGCONTed; their side file and their /metrics.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cleanEnv, spawnNode, type ChildHandle } from '../e2e/support/cli-process.js';

const HOST_CHILD = fileURLToPath(new URL('./host-child.mjs', import.meta.url));

/** Lease time to live of the test's hosts (short, so a paused host loses its sessions quickly). */
export const LEASE_TTL_MS = 3_000;
/** How often each host's sweeper looks for sessions with work and an expired lease. */
export const SWEEP_INTERVAL_MS = 500;

/** Where the hosts run. */
export interface FleetConfig {
  readonly pgUrl: string;
  readonly schema: string;
  readonly sideFile: string;
}

/** One host process (a restart is a new Host with the same host id). */
export interface Host {
  readonly hostId: string;
  readonly pid: number;
  readonly url: string;
  readonly handle: ChildHandle;
}

/** Starts a host with `hostId` and waits until it listens (after its startup recovery). */
export async function startHost(config: FleetConfig, hostId: string): Promise<Host> {
  const handle = spawnNode([HOST_CHILD], {
    env: cleanEnv({
      BURROW_PG_URL: config.pgUrl,
      BURROW_PG_SCHEMA: config.schema,
      BURROW_HOST_ID: hostId,
      BURROW_LEASE_TTL: `${LEASE_TTL_MS}ms`,
      BURROW_SWEEP_INTERVAL: `${SWEEP_INTERVAL_MS}ms`,
      BURROW_LOG_LEVEL: 'error',
      HOSTS_SIDE_FILE: config.sideFile,
    }),
  });
  let line: string;
  try {
    line = await handle.line((l) => l.includes('"event":"listening"'), 60_000);
  } catch (error: unknown) {
    throw new Error(`host ${hostId} did not start: ${handle.stderr.join('\n')}`, { cause: error });
  }
  const listening = JSON.parse(line) as { url: string; hostId: string };
  if (listening.hostId !== hostId) throw new Error(`host ${hostId} says it is ${listening.hostId}`);
  return { hostId, pid: handle.child.pid ?? 0, url: listening.url, handle };
}

/** Sends `signal` to a host; a host that has exited already is left alone. */
export function signalHost(host: Host, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void {
  if (host.handle.child.exitCode !== null || host.handle.child.signalCode !== null) return;
  process.kill(host.pid, signal);
}

/** A run as the recording executor wrote it: `run` before its work, `end` when it returned. */
export type SideRecord =
  | {
      readonly t: 'run';
      readonly pid: number;
      readonly host: string;
      readonly session: string;
      readonly runId: string;
      readonly inputIds: readonly string[];
      /** The lease as PostgreSQL held it when the run started. */
      readonly lease: { readonly owner: string | null; readonly fence: number } | null;
    }
  | {
      readonly t: 'end';
      readonly pid: number;
      readonly host: string;
      readonly session: string;
      readonly runId: string;
      readonly status: 'completed' | 'aborted';
    };

/** Every record of the side file (a line cut short by a SIGKILL is skipped). */
export async function readSideFile(path: string): Promise<SideRecord[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const records: SideRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as SideRecord);
    } catch {
      // The last line of a process killed while appending.
    }
  }
  return records;
}

/** The value of a counter on a host's /metrics, or null when the host does not answer. */
export async function scrapeCounter(host: Host, name: string): Promise<number | null> {
  try {
    const response = await fetch(`${host.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await response.text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(name.length + 1));
  } catch {
    return null;
  }
}
