// What the background-operations registry writes: the change of one step, the batch of an unregister,
// and the state recovered from the stored records (each pure; the registry persists, then installs).

import { BurrowError } from '../../core/errors.js';
import type { OpsDurabilityAction } from '../../core/machine/effects.js';
import { OP_KINDS } from '../../core/background/kinds.js';
import { toStoredCursor, toStoredOperation } from '../../core/background/records.js';
import { recoverOps, resolveOpsDurability } from '../../core/background/recovery.js';
import type { Operation, OpsState } from '../../core/background/state.js';
import type { OperationRecord, OpsCursorRecord } from '../../store/records.js';
import type { BackgroundOpsOptions, OpsPersistChange, OpsUnregisterBatch } from './contract.js';
import { finishedEvent } from './contract.js';
import type { EventDraft } from '../session/events.js';

/**
 * The commit of one step: its changed durable operations, the cursor when it or a durable operation
 * moved, and its events; null when the step writes nothing (capacity slots are memory only).
 */
export function persistChange(
  next: OpsState,
  changed: readonly Operation[],
  events: readonly EventDraft[],
  cursorMoved: boolean,
): OpsPersistChange | null {
  const durable = changed.filter((op) => OP_KINDS[op.kind].durable);
  const cursorChanged = durable.length > 0 || cursorMoved;
  if (!cursorChanged && events.length === 0) return null;
  return {
    operations: durable.map(toStoredOperation),
    ...(cursorChanged ? { opsCursor: toStoredCursor(next) } : {}),
    events,
  };
}

/** The unregister decision applied: the batch to write (retain or delete) and the state after it. */
export function unregisterPlan(
  state: OpsState,
  action: OpsDurabilityAction,
  now: string,
): { readonly batch: OpsUnregisterBatch; readonly next: OpsState } {
  const resolved = resolveOpsDurability(state, action, now);
  const durable = resolved.changed.filter((op) => OP_KINDS[op.kind].durable);
  const events = resolved.changed.map(finishedEvent);
  const batch: OpsUnregisterBatch =
    resolved.store === 'retain'
      ? {
          operations: durable.map(toStoredOperation),
          opsCursor: toStoredCursor(resolved.state),
          events,
        }
      : { deleteOperations: true, events };
  return { batch, next: resolved.state };
}

/** The state recovered from the stored records; throws `internal` on an inconsistent record. */
export function recoveredOps(
  records: readonly OperationRecord[],
  cursor: OpsCursorRecord | null,
  options: Pick<BackgroundOpsOptions, 'sessionId' | 'epochId' | 'now'>,
): {
  readonly state: OpsState;
  readonly changed: readonly Operation[];
  readonly events: readonly EventDraft[];
} {
  const result = recoverOps({
    operations: records,
    cursor,
    now: options.now(),
    freshEpochId: options.epochId,
  });
  if (!result.ok)
    throw new BurrowError(
      'internal',
      `corrupt stored operations of session ${options.sessionId}: ${result.violations.join(', ')}`,
      { sessionId: options.sessionId, issues: result.violations },
    );
  return {
    state: result.state,
    changed: result.changed,
    events: result.changed.map(finishedEvent),
  };
}

/** The refusal of a `recover` that comes after another call: recovery must install first. */
export function recoverTooLate(sessionId: string): BurrowError {
  return new BurrowError('internal', 'recover must come before any other call', { sessionId });
}
