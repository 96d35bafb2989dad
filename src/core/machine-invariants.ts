// The named invariants of the session machine, `checkInvariants`, and fail-closed `recoverFromState`.

import { bindingShapeHolds } from './machine-binding.js';
import type { MachineState } from './machine-state.js';
import { MACHINE_SCHEMA_VERSION, PHASES, REGISTRATIONS, RETURN_PHASES } from './machine-state.js';
import { visibilityViolations } from './tool-visibility.js';

/** An invariant: a name, what it says, and the predicate that must hold in every reachable state. */
export interface InvariantSpec {
  readonly name: string;
  readonly description: string;
  readonly holds: (state: MachineState) => boolean;
}

const anyObligation = (s: MachineState): boolean =>
  s.unregister.loopStopPending || s.unregister.commsExitPending || s.unregister.waitersPending;

/** Every invariant, in the order of 01 (1–10), then the ones added since. */
export const INVARIANTS: readonly InvariantSpec[] = [
  {
    name: 'run_pair',
    description:
      'a run id exists exactly when a return phase exists; the return phase is idle, attached or retired',
    holds: (s) =>
      s.run === null || (s.run.runId.length > 0 && RETURN_PHASES.includes(s.run.returnPhase)),
  },
  {
    name: 'running_has_run',
    description: 'phase running implies a bound run; a bound run implies running or retired',
    holds: (s) =>
      (s.phase !== 'running' || s.run !== null) &&
      (s.run === null || s.phase === 'running' || s.phase === 'retired'),
  },
  {
    name: 'binding_shape',
    description:
      'fence, generation or epoch imply a runtime id; a runtime id implies a generation or an epoch',
    holds: (s) => bindingShapeHolds(s.binding),
  },
  {
    name: 'drain_window',
    description: 'any open obligation implies registration draining; draining implies a session',
    holds: (s) =>
      (!anyObligation(s) || s.registration === 'draining') &&
      (s.registration !== 'draining' || s.sessionId !== null),
  },
  {
    name: 'destroyed_is_clean',
    description: 'destroyed implies no run, no obligations, registration queuing',
    holds: (s) =>
      s.phase !== 'destroyed' ||
      (s.run === null && !anyObligation(s) && s.registration === 'queuing'),
  },
  {
    name: 'deferred_stop_live',
    description: 'stopDeferred implies attached or running',
    holds: (s) => !s.stopDeferred || s.phase === 'attached' || s.phase === 'running',
  },
  {
    name: 'executor_claim',
    description: 'registration active implies attached, running or retired',
    holds: (s) =>
      s.registration !== 'active' ||
      s.phase === 'attached' ||
      s.phase === 'running' ||
      s.phase === 'retired',
  },
  {
    name: 'visibility_revisions',
    description:
      'nextRevision >= staged >= active; equal revisions imply equal content; every named tool is known',
    holds: (s) => visibilityViolations(s.visibility).length === 0,
  },
  {
    name: 'turn_consistency',
    description:
      'a recorded outcome implies completionRunId and a matching status; applying or cancelling implies a bound run',
    holds: (s) =>
      (s.turn.outcome === null ||
        (s.completionRunId !== null && s.turn.status === s.turn.outcome)) &&
      (!(s.turn.status === 'applying' || s.turn.status === 'cancelling') || s.run !== null) &&
      (s.run === null || s.turn.status !== 'ready'),
  },
  {
    name: 'unregistered_is_empty',
    description: 'no session implies no binding, no run, no obligations and no executor claim',
    holds: (s) =>
      s.sessionId !== null ||
      (s.binding.runtimeId === null &&
        s.binding.fenceToken === null &&
        s.binding.generation === null &&
        s.binding.epochId === null &&
        s.run === null &&
        !anyObligation(s) &&
        s.registration === 'queuing'),
  },
  {
    name: 'attached_has_cause',
    description: 'attached implies an executor claim (or an open drain) or a bound runtime',
    holds: (s) =>
      s.phase !== 'attached' || s.registration !== 'queuing' || s.binding.runtimeId !== null,
  },
  {
    name: 'retain_only_while_draining',
    description: 'the retain-snapshot decision exists only while the drain window is open',
    holds: (s) => !s.unregister.retainSnapshot || s.registration === 'draining',
  },
  {
    name: 'comms_drain_mode',
    description: 'a running or exited comms drain has a mode',
    holds: (s) => s.commsDrain.status === 'inactive' || s.commsDrain.mode !== null,
  },
  {
    name: 'silent_intents_sorted',
    description: 'silent intents are sorted and unique',
    holds: (s) => s.silentIntents.every((v, i, a) => i === 0 || (a[i - 1] as string) < v),
  },
  {
    name: 'known_values',
    description: 'schema version, phase and registration are known values',
    holds: (s) =>
      s.schemaVersion === MACHINE_SCHEMA_VERSION &&
      PHASES.includes(s.phase) &&
      REGISTRATIONS.includes(s.registration),
  },
];

/** Names of every invariant `state` violates (empty when all hold). */
export function checkInvariants(state: MachineState): string[] {
  return INVARIANTS.filter((invariant) => !invariant.holds(state)).map(
    (invariant) => invariant.name,
  );
}

/** The result of {@link recoverFromState}. */
export type RecoveryResult =
  | { readonly ok: true; readonly state: MachineState }
  | { readonly ok: false; readonly violations: readonly string[] };

/**
 * Accepts a state from outside (a store, a snapshot) only if it is well-formed and every invariant
 * holds. Fails closed: a state that cannot be checked is refused, never repaired.
 */
export function recoverFromState(candidate: unknown): RecoveryResult {
  if (typeof candidate !== 'object' || candidate === null)
    return { ok: false, violations: ['not_an_object'] };
  const state = candidate as MachineState;
  if (state.schemaVersion !== MACHINE_SCHEMA_VERSION)
    return { ok: false, violations: ['unknown_schema_version'] };
  try {
    const violations = checkInvariants(state);
    return violations.length === 0 ? { ok: true, state } : { ok: false, violations };
  } catch {
    return { ok: false, violations: ['malformed_state'] };
  }
}
