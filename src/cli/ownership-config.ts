// `burrow serve`'s ownership settings for several hosts on one PostgreSQL: the host id its leases carry,
// the lease's time to live and how often the sweeper looks for sessions a gone host left behind.

import { parseDuration } from '../core/duration.js';

/** The defaults (the runtime's own: see `RuntimeOptions.leaseTtlMs` and `sweepIntervalMs`). */
export const OWNERSHIP_DEFAULTS = { leaseTtl: '30s', sweepInterval: '5s' } as const;

/** The shortest lease a server accepts: the heartbeat renews every sixth of it. */
const MIN_LEASE_TTL_MS = 600;

/** Ownership flags as commander parses them. */
export interface OwnershipFlags {
  readonly hostId?: string;
  readonly leaseTtl?: string;
  readonly sweepInterval?: string;
}

/** The ownership variables the CLI reads. */
export interface OwnershipEnv {
  readonly BURROW_HOST_ID?: string;
  readonly BURROW_LEASE_TTL?: string;
  readonly BURROW_SWEEP_INTERVAL?: string;
}

/** What the runtime is given. */
export interface OwnershipSettings {
  /** A host id chosen by the operator, or null for the process incarnation's (the runtime's default). */
  readonly hostId: string | null;
  readonly leaseTtlMs: number;
  readonly sweepIntervalMs: number;
}

const pick = (flag: string | undefined, env: string | undefined): string | undefined =>
  [flag, env].map((v) => v?.trim()).find((v) => v !== undefined && v !== '');

/** A visible ASCII id without spaces, at most 200 characters (it is stored with every lease). */
const HOST_ID = /^[\x21-\x7e]{1,200}$/;

/** Resolves the ownership settings (flag, then environment, then default); pushes each problem to `issues`. */
export function resolveOwnership(
  flags: OwnershipFlags,
  env: OwnershipEnv,
  issues: string[],
): OwnershipSettings {
  const hostId = pick(flags.hostId, env.BURROW_HOST_ID) ?? null;
  if (hostId !== null && !HOST_ID.test(hostId))
    issues.push(
      `the host id (--host-id, BURROW_HOST_ID) must be 1 to 200 visible characters without spaces (got ${JSON.stringify(hostId)})`,
    );
  const duration = (text: string, name: string, min: number): number => {
    const ms = parseDuration(text);
    if (ms === null || ms < min)
      issues.push(
        `${name} must be a duration of at least ${min} ms such as 30s or 1500ms (got ${text})`,
      );
    return ms ?? 0;
  };
  return {
    hostId,
    leaseTtlMs: duration(
      pick(flags.leaseTtl, env.BURROW_LEASE_TTL) ?? OWNERSHIP_DEFAULTS.leaseTtl,
      'the lease time to live (--lease-ttl, BURROW_LEASE_TTL)',
      MIN_LEASE_TTL_MS,
    ),
    sweepIntervalMs: duration(
      pick(flags.sweepInterval, env.BURROW_SWEEP_INTERVAL) ?? OWNERSHIP_DEFAULTS.sweepInterval,
      'the sweep interval (--sweep-interval, BURROW_SWEEP_INTERVAL)',
      0,
    ),
  };
}
