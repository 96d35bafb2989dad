// The one executor of the machine's effects (as XState's transition returns actions one executor runs).
// `commitChange` calls it for every step it persists: `effectEvents` while it builds the commit (the
// events the effects ask for go into the same transaction), `performEffects` once the commit landed
// and the new state is installed. No operation performs by hand what an effect already says.
//
// What each effect does is listed in `EFFECT_CONTRACT` (src/core/machine/effects.ts, docs/machine.md).

import type { MachineEffect } from '../core/machine/effects.js';
import { assertNever } from '../core/assert-never.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionEntry } from './session/entry.js';
import type { EventDraft } from './session/events.js';
import { removeEntry } from './session/remove.js';

/** Why an unregister detaches the loop, aborts the comms drain and settles the waiters left. */
export const UNREGISTERED = 'runtime session unregistered';

const DESTROYED = 'session destroyed';

/** The events a step's effects ask for, committed with the step (in the effects' order). */
export function effectEvents(effects: readonly MachineEffect[]): EventDraft[] {
  const events: EventDraft[] = [];
  for (const effect of effects) {
    if (effect.type === 'RuntimeNotice')
      events.push({ type: 'runtime.notice', data: { kind: effect.kind, message: effect.reason } });
    else if (effect.type === 'VisibilityApplied')
      events.push({ type: 'visibility.changed', data: { revision: effect.revision } });
  }
  return events;
}

/** Hard-cancels the session's current run through the loop, or through a provisional handle. */
export function hardCancel(ctx: RuntimeContext, entry: SessionEntry, reason: string): void {
  if (entry.loop !== null && entry.loop.busy) entry.loop.hardCancel(reason);
  else if (entry.provisionalInterrupt !== null) {
    const handle = entry.provisionalInterrupt;
    Promise.resolve()
      .then(() => handle.hardCancel(reason))
      .catch((error: unknown) =>
        ctx.log.warn('provisional interrupt handle failed', {
          sessionId: entry.sessionId,
          error: String(error),
        }),
      );
  }
}

/** A destroyed session: its loop is detached and its run hard-cancelled, its drain and waiters ended. */
function tearDown(entry: SessionEntry): void {
  const loop = entry.detach();
  loop?.requestExit('detach', DESTROYED);
  loop?.hardCancel(DESTROYED);
  entry.comms?.abort(DESTROYED);
  entry.completions.settleAll({ status: 'runtime_terminated', reason: DESTROYED });
}

/** Performs the mechanics of an installed step's effects (called by `commitChange` only). */
export function performEffects(
  ctx: RuntimeContext,
  entry: SessionEntry,
  effects: readonly MachineEffect[],
): void {
  for (const effect of effects) {
    switch (effect.type) {
      case 'IngressAccepted':
        // The debounce measures quiet from here (read by the loop before it stages a batch).
        entry.noteInputAccepted(ctx.clock.now());
        break;
      case 'PostAdmissionSignal':
        if (effect.signal === 'immediate') hardCancel(ctx, entry, 'interrupted by a newer input');
        entry.loop?.wake();
        break;
      case 'HardCancel':
        hardCancel(ctx, entry, effect.reason);
        break;
      case 'RuntimeEffect':
        // CancelAfterBoundary is carried by the turn itself (the operation steps
        // RequestCancelAfterBoundary in the same commit; the next boundary reads it).
        if (effect.effect === 'StopRuntimeExecutor') entry.loop?.requestExit('stop', effect.reason);
        break;
      case 'SpawnDrainTask':
        entry.setComms(ctx.spawnCommsDrain(entry));
        break;
      case 'RuntimeRetired':
        // The loop drains what is queued, then the session rests in `retired`.
        entry.loop?.wake();
        break;
      case 'StopDrainTask':
        entry.comms?.abort('comms drain stopped');
        break;
      case 'RuntimeDestroyed':
        tearDown(entry);
        break;
      case 'RequestRuntimeLoopStopForUnregister':
        entry.loop?.requestExit('detach', UNREGISTERED);
        break;
      case 'RequestCommsDrainExitForUnregister':
        entry.comms?.abort(UNREGISTERED);
        break;
      case 'SessionUnregistered':
        // The waiters still pending are settled here (the drain's third obligation).
        removeEntry(ctx, entry, UNREGISTERED);
        break;
      case 'RequestCompletionWaiterResolutionForUnregister':
      case 'RuntimeNotice':
      case 'VisibilityApplied':
      case 'RuntimeBound':
      case 'SubmitRunPrimitive':
      case 'CancelRunAtBoundary':
      case 'RecordTerminalOutcome':
      case 'InitiateRecycle':
      case 'RuntimeOpsLifecycleDurabilityResolved':
      case 'TranscriptEditAdmissionResolved':
      case 'CommittedVisibleSetPublished':
        // Recorded by the commit that carries the step, or answered to the operation that stepped it
        // (EFFECT_CONTRACT says which): nothing more to do once it landed.
        break;
      default:
        assertNever(effect);
    }
  }
}
