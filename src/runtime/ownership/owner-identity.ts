// Lease owner identity (04, "Many hosts"): an owner id names one incarnation of a process — host, boot,
// pid and process start time — so a restarted server (pid 1 again in a container) can tell that the
// owner its store remembers is gone, and a killed process that is not yet reaped (a zombie) counts as gone.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** What an owner id says about the process that holds a lease. */
export interface OwnerIdentity {
  /** The host name (a `/` in it is replaced by `_`). */
  readonly host: string;
  /** The kernel boot id (`/proc/sys/kernel/random/boot_id`), or null where it cannot be read. */
  readonly bootId: string | null;
  readonly pid: number;
  /** The process start time in clock ticks since boot (`/proc/<pid>/stat` field 22), or null. */
  readonly startTime: string | null;
  /** Random: tells runtimes of one process apart. */
  readonly nonce: string;
}

/** Whether the process behind an owner id still runs: `unknown` when this machine cannot judge it. */
export type OwnerLiveness = 'alive' | 'gone' | 'unknown';

/** Where the process table is read (a test may point it at a directory without one). */
export interface ProcView {
  /** Default `/proc`. */
  readonly procRoot?: string;
}

const UNKNOWN = '-';

/** The `/proc/<pid>/stat` facts we judge by, `missing` when no such process exists, null without a /proc. */
function readStat(
  pid: number,
  view: ProcView,
): { state: string; startTime: string } | 'missing' | null {
  const root = view.procRoot ?? '/proc';
  let text: string;
  try {
    text = readFileSync(`${root}/${pid}/stat`, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ESRCH') return null;
    return hasProc(view) ? 'missing' : null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted after
  // the last ')'. Field 3 is the state, field 22 the start time.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return null;
  return { state, startTime };
}

function hasProc(view: ProcView): boolean {
  try {
    readFileSync(`${view.procRoot ?? '/proc'}/self/stat`, 'utf8');
    return true;
  } catch {
    return false;
  }
}

function readBootId(view: ProcView): string | null {
  try {
    const id = readFileSync(`${view.procRoot ?? '/proc'}/sys/kernel/random/boot_id`, 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** The start time of process `pid` (clock ticks since boot), or null when it cannot be read. */
export function processStartTime(pid: number, view: ProcView = {}): string | null {
  const stat = readStat(pid, view);
  return stat === null || stat === 'missing' ? null : stat.startTime;
}

/** This process's identity with `nonce`. */
export function currentIdentity(nonce: string, view: ProcView = {}): OwnerIdentity {
  return {
    host: hostname().replaceAll('/', '_'),
    bootId: readBootId(view),
    pid: process.pid,
    startTime: processStartTime(process.pid, view),
    nonce,
  };
}

/** `<host>/<boot id>/<pid>/<start time>/<nonce>` (`-` for what is unknown). */
export function formatOwnerId(identity: OwnerIdentity): string {
  const { host, bootId, pid, startTime, nonce } = identity;
  return [host, bootId ?? UNKNOWN, String(pid), startTime ?? UNKNOWN, nonce].join('/');
}

/**
 * Reads an owner id written by {@link formatOwnerId}, or by earlier versions (`<host>/<pid>/<nonce>`,
 * no boot id or start time). Null for any other host id (a caller-chosen one is never judged).
 */
export function parseOwnerId(ownerId: string): OwnerIdentity | null {
  const parts = ownerId.split('/');
  const known = (text: string | undefined): string | null =>
    text === undefined || text === UNKNOWN ? null : text;
  const pidOf = (text: string | undefined): number | null => {
    const pid = Number(text);
    return text !== undefined && Number.isInteger(pid) && pid > 0 ? pid : null;
  };
  if (parts.length === 5) {
    const [host, bootId, pidText, startTime, nonce] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    const pid = pidOf(pidText);
    return pid === null
      ? null
      : { host, bootId: known(bootId), pid, startTime: known(startTime), nonce };
  }
  if (parts.length === 3) {
    const [host, pidText, nonce] = parts as [string, string, string];
    const pid = pidOf(pidText);
    return pid === null ? null : { host, bootId: null, pid, startTime: null, nonce };
  }
  return null;
}

/** Where /proc is missing: a pid that does not exist is gone; anything else waits for the lease to expire. */
function livenessWithoutProc(pid: number): OwnerLiveness {
  try {
    process.kill(pid, 0);
    return 'unknown';
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'unknown';
  }
}

/**
 * Judges the process behind `ownerId` from this machine. Only owners of this host are judged (the host
 * name is taken to name one machine); on it, an owner is gone when the machine rebooted since (another
 * boot id), when no process has its pid, when that process is a zombie (killed, not yet reaped), when
 * the pid now belongs to a process that started at another time (pid reuse), or when the pid is ours but
 * the start time is not (an earlier incarnation: a container's server is pid 1 at every start).
 */
export function ownerLiveness(
  ownerId: string,
  self: OwnerIdentity,
  view: ProcView = {},
): OwnerLiveness {
  const owner = parseOwnerId(ownerId);
  if (owner === null || owner.host !== self.host) return 'unknown';
  if (owner.bootId !== null && self.bootId !== null && owner.bootId !== self.bootId) return 'gone';
  if (owner.pid === self.pid) {
    // Runtimes of this very process share pid and start time (they differ by nonce only). An id of
    // the earlier format with our pid was written by an earlier process: this one never writes it.
    if (ownerId.split('/').length === 3) return 'gone';
    if (owner.startTime === null || self.startTime === null) return 'unknown';
    return owner.startTime === self.startTime ? 'alive' : 'gone';
  }
  const stat = readStat(owner.pid, view);
  if (stat === null) return livenessWithoutProc(owner.pid);
  if (stat === 'missing' || stat.state === 'Z' || stat.state === 'X') return 'gone';
  if (owner.startTime !== null && owner.startTime !== stat.startTime) return 'gone';
  return 'alive';
}
