// Building a session entry: fresh, or recovered from the store — validated off to the side and installed
// only if every machine and ledger invariant holds (04, promise 4: fail closed).

import { BurrowError } from '../../core/errors.js';
import { createLedger, restoreLedger } from '../../core/ledger/input-ledger.js';
import { checkLedgerInvariants } from '../../core/ledger/invariants.js';
import { recoverFromState } from '../../core/machine/invariants.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import type { MachineState } from '../../core/machine/state.js';
import { initialState } from '../../core/machine/state.js';
import { stepAll } from '../../core/machine/session-machine.js';
import type { LifecycleRecord } from '../../store/records.js';
import type { StoredSession } from '../../store/runtime-store.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import { CompletionRegistry } from '../completions.js';
import { uuidv7 } from '../ids.js';
import type { RuntimeContext } from '../runtime-context.js';
import { SessionEntry } from './entry.js';
import { SessionEvents } from './events.js';

// Shared empty arrays: replaced (never pushed to) on the first write, so idle sessions share them.
const NO_MESSAGES: SessionEntry['transcriptCache'] = Object.freeze([]);
const NO_APPROVALS: SessionEntry['approvals'] = Object.freeze([]);

/** True when a stored lifecycle says nothing a fresh machine would not (no record, or idle and unbound). */
function isTrivial(lifecycle: LifecycleRecord | null): boolean {
  if (lifecycle === null) return true;
  const b = lifecycle.binding;
  return (
    lifecycle.phase === 'idle' &&
    b.runtimeId === null &&
    b.fenceToken === null &&
    b.generation === null &&
    b.epochId === null
  );
}

function corrupt(sessionId: string, what: string): BurrowError {
  return new BurrowError(
    'internal',
    `corrupt stored session ${sessionId}: ${what}; refusing to start it fresh`,
    { sessionId },
  );
}

function recoveredMachine(sessionId: string, lifecycle: LifecycleRecord | null): MachineState {
  const inputs: MachineInput[] = isTrivial(lifecycle)
    ? [{ type: 'Initialize' }, { type: 'RegisterSession', sessionId }]
    : [
        {
          type: 'RecoverRuntimeAuthority',
          sessionId,
          observedPhase: (lifecycle as LifecycleRecord).phase,
          // The fence is the lease's, never the record's: PrepareBindings fills in the current one.
          binding: { ...(lifecycle as LifecycleRecord).binding, fenceToken: null },
          run: { runId: null, returnPhase: null },
          silentIntents: (lifecycle as LifecycleRecord).silentIntents,
          visibility: (lifecycle as LifecycleRecord).visibility,
        },
      ];
  if (lifecycle?.phase === 'initializing') inputs.push({ type: 'Initialize' });
  const result = stepAll(initialState(), inputs);
  if (!result.ok)
    throw corrupt(
      sessionId,
      `the machine refuses the stored lifecycle (guard ${result.rejection.guard})`,
    );
  const checked = recoverFromState(result.state);
  if (!checked.ok) throw corrupt(sessionId, `invariants ${checked.violations.join(', ')}`);
  return checked.state;
}

/**
 * Builds the entry of `sessionId` from what the store holds (or nothing). A destroyed session throws
 * `destroyed` (registration) unless `destroyed` is `read`: then its entry reads as destroyed and the
 * machine refuses every write with `destroyed` (activation on first touch).
 */
export function buildEntry(
  ctx: RuntimeContext,
  sessionId: string,
  stored: StoredSession | null,
  destroyed: 'refuse' | 'read' = 'refuse',
): SessionEntry {
  const lifecycle = stored?.lifecycle ?? null;
  if (lifecycle !== null && lifecycle.sessionId !== sessionId)
    throw corrupt(sessionId, `lifecycle names session ${lifecycle.sessionId}`);
  if (lifecycle?.phase === 'destroyed' && destroyed === 'refuse') {
    throw new BurrowError(
      'destroyed',
      `session ${sessionId} is destroyed and can never be registered again`,
      { sessionId, phase: 'destroyed' },
    );
  }
  const machine = recoveredMachine(sessionId, lifecycle);
  const records = stored?.inputs ?? [];
  const foreign = records.find((r) => r.header.sessionId !== sessionId);
  if (foreign !== undefined)
    throw corrupt(
      sessionId,
      `input ${foreign.header.inputId} belongs to ${foreign.header.sessionId}`,
    );
  const ledger =
    records.length === 0
      ? createLedger(sessionId, 1, ctx.retained)
      : restoreLedger(sessionId, records, ctx.nowIso(), ctx.retained);
  const broken = checkLedgerInvariants(ledger, null);
  if (broken.length > 0) throw corrupt(sessionId, `ledger invariants ${broken.join(', ')}`);
  const epochId =
    lifecycle !== null && lifecycle.epochId !== '' ? lifecycle.epochId : uuidv7(ctx.clock.now());
  const events = new SessionEvents(sessionId, epochId, stored?.eventHighWater ?? 0, ctx.events);
  return new SessionEntry({
    sessionId,
    runtimeId: runtimeIdOf(sessionId),
    epochId,
    machine,
    ledger,
    completions: new CompletionRegistry(),
    events,
    transcriptLength: stored?.transcriptLength ?? 0,
    approvals: lifecycle?.approvals ?? NO_APPROVALS,
    transcriptCache: ctx.store === null ? NO_MESSAGES : null,
    receiptSeq: stored?.receiptHighWater ?? 0,
  });
}
