// What a store derives from its records, defined once: which sessions it knows and which have work to
// resume. The memory store evaluates these functions; SQLite has their SQL form (sqlite-lists.ts), and
// the conformance suite holds the two equal.

import { BurrowError } from '../core/errors.js';
import type { Phase } from '../core/machine/state.js';
import { PHASES } from '../core/machine/state.js';
import { OP_KINDS } from '../core/background/kinds.js';

/** The operation kinds whose finish wakes their session (a wake not yet delivered is work). */
export const WAKING_OP_KINDS: readonly string[] = Object.entries(OP_KINDS)
  .filter(([, spec]) => spec.wakesIdle)
  .map(([kind]) => kind);

/**
 * True for a session the store knows as registered: its lifecycle carries an epoch (registration always
 * writes one; the unregister that deletes the snapshot writes a cleared lifecycle without), or it has
 * live inputs. Destroyed sessions are known: they must read as destroyed, never as fresh.
 */
export function isKnownSession(lifecycleEpochId: string | null, liveInputs: boolean): boolean {
  return (lifecycleEpochId !== null && lifecycleEpochId !== '') || liveInputs;
}

/** A stored background operation, as far as {@link hasWork} looks at it. */
export interface OperationFacts {
  readonly kind: string;
  readonly terminal: boolean;
  readonly completionSeq: number | null;
}

/**
 * True for a session with work that must resume without any client: a known session (see
 * {@link isKnownSession}) with live inputs, or background operations in flight or finished with a wake
 * past the feed's `observed` cursor. Never a destroyed one, nor an unregistered one.
 */
export function hasWork(
  lifecycle: { readonly phase: string; readonly epochId: string } | null,
  liveInputs: boolean,
  operations: Iterable<OperationFacts>,
  observed: number,
): boolean {
  if (lifecycle?.phase === 'destroyed') return false;
  if (!isKnownSession(lifecycle?.epochId ?? null, liveInputs)) return false;
  if (liveInputs) return true;
  for (const op of operations) {
    if (!op.terminal) return true;
    if (
      WAKING_OP_KINDS.includes(op.kind) &&
      op.completionSeq !== null &&
      op.completionSeq > observed
    )
      return true;
  }
  return false;
}

/** The phase a stored lifecycle names (its codec validated it when it was written). */
export function storedPhase(text: string, runtimeId: string): Phase {
  const phase = PHASES.find((p) => p === text);
  if (phase === undefined)
    throw new BurrowError(
      'internal',
      `session ${runtimeId} has an unknown stored phase ${text}`,
      {},
    );
  return phase;
}
