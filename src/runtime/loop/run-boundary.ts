// A boundary of a running turn (03, steering): count it, hand over steer inputs, or tell the turn to stop.

import { isBurrowError, toError } from '../../core/errors.js';
import { planInjectSteer } from '../../core/ledger/batch.js';
import { step } from '../../core/machine/session-machine.js';
import type { BoundaryDirective } from '../executor.js';
import { isCurrent } from '../session/refusals.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import { commitChange } from '../session/commit.js';
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
  // The machine says whether the turn stops here; otherwise staged visibility becomes active (its
  // effect records the change) and the queued steer inputs are injected.
  const stop = boundary.effects.some((effect) => effect.type === 'CancelRunAtBoundary');
  const { staged, active } = boundary.state.visibility;
  const applied =
    stop || staged.revision === active.revision
      ? null
      : step(boundary.state, { type: 'ApplyStagedVisibility', revision: staged.revision });
  const machine = applied?.ok
    ? { state: applied.state, effects: [...boundary.effects, ...applied.effects] }
    : boundary;
  const inject = stop ? null : planInjectSteer(entry.ledger, runId, ctx.nowIso());
  const injected = inject?.records ?? [];
  try {
    await commitChange(ctx, entry, {
      machine,
      patches: inject === null ? [] : [inject.patch],
      events: [
        {
          type: 'run.boundary',
          data: {
            runId,
            n: machine.state.turn.boundaryCount,
            injected: injected.map((r) => r.header.inputId),
          },
        },
      ],
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
