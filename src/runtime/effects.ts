// Performs the mechanics that machine effects ask for (after the new state is installed).

import type { MachineEffect } from '../core/machine-effects.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionEntry } from './session-entry.js';
import type { EventDraft } from './session-events.js';

/** The `runtime.notice` events of a step's effects (they go into the step's own commit). */
export function noticeEvents(effects: readonly MachineEffect[]): EventDraft[] {
  return effects.flatMap((effect): EventDraft[] =>
    effect.type === 'RuntimeNotice'
      ? [{ type: 'runtime.notice', data: { kind: effect.kind, message: effect.reason } }]
      : [],
  );
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

/** Performs the effects of an installed step. */
export function performEffects(
  ctx: RuntimeContext,
  entry: SessionEntry,
  effects: readonly MachineEffect[],
): void {
  for (const effect of effects) {
    switch (effect.type) {
      case 'PostAdmissionSignal':
        if (effect.signal === 'immediate') hardCancel(ctx, entry, 'interrupted by a newer input');
        entry.loop?.wake();
        break;
      case 'HardCancel':
        hardCancel(ctx, entry, effect.reason);
        break;
      case 'RuntimeEffect':
        if (effect.effect === 'StopRuntimeExecutor') entry.loop?.requestExit('stop', effect.reason);
        break;
      case 'StopDrainTask':
        entry.comms?.abort('comms drain stopped');
        break;
      case 'RuntimeBound':
      case 'RuntimeNotice':
      case 'SubmitRunPrimitive':
      case 'CancelRunAtBoundary':
      case 'RecordTerminalOutcome':
      case 'RuntimeRetired':
      case 'InitiateRecycle':
      case 'RuntimeDestroyed':
      case 'RequestRuntimeLoopStopForUnregister':
      case 'RequestCommsDrainExitForUnregister':
      case 'RequestCompletionWaiterResolutionForUnregister':
      case 'RuntimeOpsLifecycleDurabilityResolved':
      case 'SessionUnregistered':
      case 'IngressAccepted':
      case 'TranscriptEditAdmissionResolved':
      case 'SpawnDrainTask':
      case 'VisibilityApplied':
      case 'CommittedVisibleSetPublished':
        // Informational, or performed by the operation that stepped the input (spawning the drain,
        // the unregister sequence), which holds the handles these need.
        break;
    }
  }
}
