// A boundary of a running turn (03, steering): count it, hand over steer inputs, or tell the turn to stop.

import { isBurrowError, toError } from '../core/errors.js';
import { planInjectSteer } from '../core/ledger-batch.js';
import { step } from '../core/session-machine.js';
import type { BoundaryDirective } from './executor.js';
import { isCurrent } from './machine-errors.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionEntry } from './session-entry.js';
import { commitChange } from './session-commit.js';
import { stagedInput } from './turn-metadata.js';

const STOP: BoundaryDirective = { inject: [], stop: true };
const NOTHING: BoundaryDirective = { inject: [], stop: false };

/**
 * Steps `BoundaryApplied` for `runId`. With a pending cancel-after-boundary the turn stops here and
 * keeps queued steer inputs for the next turn; otherwise every queued steer input is injected (it
 * becomes `applied`) and staged tool visibility becomes active. A run that is no longer the bound one,
 * or that is being hard-cancelled, is told to stop.
 */
export async function applyBoundary(
  ctx: RuntimeContext,
  entry: SessionEntry,
  runId: string,
): Promise<BoundaryDirective> {
  if (!isCurrent(ctx, entry)) return STOP;
  const boundary = step(entry.machine, { type: 'BoundaryApplied', runId });
  if (!boundary.ok) return STOP;
  let machine = boundary.state;
  const stop = machine.turn.status === 'cancelled';
  const inject = stop ? null : planInjectSteer(entry.ledger, runId, ctx.nowIso());
  const events = [];
  const { staged, active } = machine.visibility;
  if (!stop && staged.revision !== active.revision) {
    const applied = step(machine, { type: 'ApplyStagedVisibility', revision: staged.revision });
    if (applied.ok) {
      machine = applied.state;
      events.push({ type: 'visibility.changed' as const, data: { revision: staged.revision } });
    }
  }
  const injected = inject?.records ?? [];
  events.push({
    type: 'run.boundary' as const,
    data: { runId, n: machine.turn.boundaryCount, injected: injected.map((r) => r.header.inputId) },
  });
  try {
    await commitChange(ctx, entry, {
      machine: { state: machine, effects: boundary.effects },
      patches: inject === null ? [] : [inject.patch],
      events,
    });
  } catch (error: unknown) {
    // Nothing was installed: steer inputs stay queued for a later boundary or the next turn. The
    // turn itself goes on (its own commit will meet the store's state); a fenced session stops it.
    ctx.log.warn('could not record a boundary', {
      sessionId: entry.sessionId,
      runId,
      error: toError(error).message,
    });
    return isBurrowError(error, 'fenced') ? STOP : NOTHING;
  }
  return { inject: injected.map(stagedInput), stop };
}
