// A fast, injective key for a machine state (the model checker's visited-set key).

import type { MachineState } from './state.js';
import type { VisibilitySide } from '../tool-visibility.js';

/** The fields the key covers, in order; a test keeps this list equal to the state's own fields. */
export const KEYED_FIELDS = [
  'schemaVersion',
  'phase',
  'sessionId',
  'binding',
  'run',
  'turn',
  'completionRunId',
  'stopDeferred',
  'registration',
  'unregister',
  'commsDrain',
  'silentIntents',
  'visibility',
] as const;

function side(s: VisibilitySide): unknown[] {
  return [s.revision, s.filter.type, s.filter.type === 'all' ? null : s.filter.names, s.deferred];
}

/** A string that two states share exactly when they are equal (as JSON values). */
export function machineStateKey(s: MachineState): string {
  const { binding: b, turn: t, unregister: u, visibility: v } = s;
  return JSON.stringify([
    s.schemaVersion,
    s.phase,
    s.sessionId,
    b.runtimeId,
    b.fenceToken,
    b.generation,
    b.epochId,
    s.run?.runId ?? null,
    s.run?.returnPhase ?? null,
    t.status,
    t.boundaryCount,
    t.cancelAfterBoundary,
    t.outcome,
    t.cause,
    s.completionRunId,
    s.stopDeferred,
    s.registration,
    u.loopStopPending,
    u.commsExitPending,
    u.waitersPending,
    u.retainSnapshot,
    s.commsDrain.status,
    s.commsDrain.mode,
    s.silentIntents,
    v.catalog.map((e) => [e.name, e.provenance]),
    v.nextRevision,
    side(v.staged),
    side(v.active),
  ]);
}
