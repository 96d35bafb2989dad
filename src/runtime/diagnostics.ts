// Diagnostics: a read-only view of the runtime's internals for leak checks, health and tests.

import { checkLedgerInvariants } from '../core/ledger-invariants.js';
import { checkInvariants } from '../core/machine-invariants.js';
import { eventSubscriberStatistics } from './event-stream.js';
import type { SubscriberStatistics } from './event-subscriber.js';
import { ownsThroughStore } from './ownership.js';
import type { OwnershipStats } from './ownership-stats.js';
import type { RuntimeContext } from './runtime-context.js';

/** One session's internal health. */
export interface SessionDiagnostics {
  readonly sessionId: string;
  readonly machineViolations: readonly string[];
  readonly ledgerViolations: readonly string[];
  readonly liveInputs: number;
  /** Finished inputs held in memory, and their JSON size. */
  readonly retainedInputs: number;
  readonly retainedBytes: number;
  readonly pendingCompletions: number;
  readonly loop: 'none' | 'created' | 'running' | 'stopping' | 'stopped';
}

/** The runtime's internal health: every session, live loops, held gates, accepts in flight. */
export interface RuntimeDiagnostics {
  readonly sessions: readonly SessionDiagnostics[];
  readonly liveLoops: number;
  readonly gatesHeld: number;
  readonly inflightAccepts: number;
  readonly closing: boolean;
  /** Live `events()` subscribers and what their buffers hold (each is bounded). */
  readonly eventSubscribers: SubscriberStatistics;
  /** Finished inputs held in memory over every session, and their JSON size (the process bound). */
  readonly retained: { readonly records: number; readonly bytes: number };
  /** This host's leases and ownership counters; null when the store does not arbitrate ownership. */
  readonly ownership: OwnershipDiagnostics | null;
}

/** This host's ownership work: its id, the leases it holds now, and counters since it started. */
export interface OwnershipDiagnostics extends Readonly<OwnershipStats> {
  readonly hostId: string;
  /** Sessions registered here under a lease of this host. */
  readonly leasesHeld: number;
}

/** Reads the diagnostics (cheap enough for health checks on thousands of sessions). */
export function diagnostics(ctx: RuntimeContext): RuntimeDiagnostics {
  const sessions = [...ctx.sessions.values()].map((entry) => ({
    sessionId: entry.sessionId,
    machineViolations: checkInvariants(entry.machine),
    ledgerViolations: checkLedgerInvariants(entry.ledger, entry.machine.run?.runId ?? null),
    liveInputs: entry.ledger.live.size,
    retainedInputs: entry.ledger.terminal.size,
    retainedBytes: entry.ledger.retainedBytes,
    pendingCompletions: entry.completions.pending().length,
    loop: entry.loop === null ? ('none' as const) : entry.loop.state,
  }));
  return {
    sessions,
    liveLoops: sessions.filter((s) => s.loop !== 'none' && s.loop !== 'stopped').length,
    gatesHeld: ctx.gate.size,
    inflightAccepts: ctx.inflightAccepts,
    closing: ctx.closing,
    eventSubscribers: eventSubscriberStatistics(ctx),
    retained: { records: ctx.retained.records, bytes: ctx.retained.bytes },
    ownership: ownsThroughStore(ctx)
      ? {
          ...ctx.ownershipStats,
          hostId: ctx.hostId,
          leasesHeld: [...ctx.sessions.values()].filter((entry) => entry.fence !== undefined)
            .length,
        }
      : null,
  };
}
