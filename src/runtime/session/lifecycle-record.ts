// The lifecycle record a session's commit writes, and its key: what lets a commit skip rewriting an
// unchanged lifecycle.

import type { PendingApproval } from '../../core/approvals.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { durablePhase } from '../../core/machine/classifiers.js';
import type { Binding, MachineState } from '../../core/machine/state.js';
import type { LifecycleRecord } from '../../store/records.js';
import { LIFECYCLE_RECORD_VERSION } from '../../store/records.js';
import type { LifecycleKey, SessionEntry } from './entry.js';

// The stored binding leaves the fence out: the lease owns it (a stored copy would change at every
// claim and go stale at the next), and recovery fills in the current one. Memoised per binding object,
// so the lifecycle key's identity comparison below keeps working.
const storedBindings = new WeakMap<Binding, Binding>();

function storedBinding(binding: Binding): Binding {
  if (binding.fenceToken === null) return binding;
  let stored = storedBindings.get(binding);
  if (stored === undefined) {
    stored = { ...binding, fenceToken: null };
    storedBindings.set(binding, stored);
  }
  return stored;
}

/**
 * The lifecycle record the store keeps for `machine` (its binding without the fence) and the pending
 * `approvals` (the entry's, unless the change replaces them).
 */
export function lifecycleRecord(
  entry: SessionEntry,
  machine: MachineState,
  approvals: readonly PendingApproval[] = entry.approvals,
): LifecycleRecord {
  return {
    recordVersion: LIFECYCLE_RECORD_VERSION,
    sessionId: entry.sessionId,
    phase: durablePhase(machine),
    binding: storedBinding(machine.binding),
    epochId: entry.epochId,
    silentIntents: machine.silentIntents,
    visibility: machine.visibility,
    ...(approvals.length > 0 ? { approvals } : {}),
  };
}

function partsOf(lifecycle: LifecycleRecord): readonly unknown[] {
  return [
    lifecycle.sessionId,
    lifecycle.phase,
    lifecycle.epochId,
    lifecycle.binding,
    lifecycle.silentIntents,
    lifecycle.visibility,
    lifecycle.approvals,
  ];
}

/**
 * The key of `lifecycle`, reusing the session's last one when the parts are the same objects: the
 * machine shares its binding, intents and visibility across steps that do not change them, so most
 * commits compare references instead of serialising the visibility state again.
 */
export function lifecycleKeyOf(
  lifecycle: LifecycleRecord,
  last: LifecycleKey | null,
): LifecycleKey {
  const parts = partsOf(lifecycle);
  if (last !== null && last.parts.length === parts.length) {
    if (last.parts.every((part, i) => part === parts[i])) return last;
  }
  return { text: canonicalJson(lifecycle), parts };
}
