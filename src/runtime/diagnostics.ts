// Diagnostics: a read-only view of the runtime's internals for leak checks, health and tests.

import { checkLedgerInvariants } from '../core/ledger/invariants.js';
import { checkInvariants } from '../core/machine/invariants.js';
import { eventSubscriberStatistics } from './events/stream.js';
import { ownsThroughStore } from './ownership/leases.js';
import type { RuntimeContext } from './runtime-context.js';
import type { RuntimeDiagnostics } from './runtime-reports.js';

export type {
  OwnershipDiagnostics,
  RuntimeDiagnostics,
  SessionDiagnostics,
} from './runtime-reports.js';

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
