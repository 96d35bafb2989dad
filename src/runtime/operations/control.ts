// Control operations (03): interrupt, cancel after boundary, retire, abandon retired inputs, recycle,
// reset and destroy (stop is in stop.ts). Each steps the machine under the gate and commits; the commit
// performs the step's effects (effects.ts), so no operation here performs a mechanic the machine decided.

import { BurrowError } from '../../core/errors.js';
import { planAbandonPending } from '../../core/ledger/run-end.js';
import { visiblePhase } from '../../core/machine/classifiers.js';
import type { MachineEffect } from '../../core/machine/effects.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import type { MachineState } from '../../core/machine/state.js';
import { step } from '../../core/machine/session-machine.js';
import { stepOrThrow } from '../session/refusals.js';
import { withSession } from '../session/access.js';
import { repairDeadAttachment } from '../session/attach.js';
import type { OperationOptions } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import { supersedeApprovals } from '../approvals/denials.js';
import { acceptsInput } from './input-admit.js';
import type { SessionEntry } from '../session/entry.js';
import { control } from './control-step.js';

/**
 * A control step and, when a run is bound, its run-level follow-up (`CancelNow`,
 * `RequestCancelAfterBoundary`). The follow-up is refused when the turn is no longer applying (it is
 * already stopping), which is fine: the control step's effects still act.
 */
function withRunFollowUp(
  entry: SessionEntry,
  control: { readonly state: MachineState; readonly effects: readonly MachineEffect[] },
  followUp: (runId: string) => MachineInput,
): { state: MachineState; effects: readonly MachineEffect[] } {
  const run = entry.machine.run;
  const next = run === null ? null : step(control.state, followUp(run.runId));
  return { state: next?.ok === true ? next.state : control.state, effects: control.effects };
}

/** Hard-cancels the current run (attached or running); with no run, a successful no-op. */
export function interrupt(
  ctx: RuntimeContext,
  sessionId: string,
  reason: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      const interrupted = stepOrThrow(sessionId, entry.machine, {
        type: 'InterruptCurrentRun',
        reason,
      });
      await commitChange(ctx, entry, {
        machine: withRunFollowUp(entry, interrupted, (runId) => ({ type: 'CancelNow', runId })),
      });
    },
    options.signal,
  );
}

/** The current turn stops at its next boundary. Needs a live loop (`not_ready` without one). */
export function cancelAfterBoundary(
  ctx: RuntimeContext,
  sessionId: string,
  reason: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      const requested = stepOrThrow(sessionId, entry.machine, {
        type: 'CancelAfterBoundary',
        reason,
      });
      if (entry.loop === null) {
        throw new BurrowError('not_ready', `session ${sessionId} has no runtime loop`, {
          sessionId,
          phase: entry.machine.phase,
          guard: 'loop_attached',
        });
      }
      await commitChange(ctx, entry, {
        machine: withRunFollowUp(entry, requested, (runId) => ({
          type: 'RequestCancelAfterBoundary',
          runId,
        })),
      });
    },
    options.signal,
  );
}

/** No new input; the queue drains, then the session rests in `retired`. Without a loop, pending inputs are abandoned `retired`. */
export function retire(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      await repairDeadAttachment(ctx, entry);
      // A retired session takes no input, so no decision could ever reach its pending approvals:
      // deny them now (superseded), and the draining queue reports the denials to the agent.
      const retirable = step(entry.machine, { type: 'Retire', sessionId }).ok;
      if (retirable && entry.loop !== null && acceptsInput(entry))
        await supersedeApprovals(ctx, entry);
      const abandon =
        entry.loop === null
          ? {
              reason: 'retired' as const,
              scope: 'queued' as const,
              message: 'the session was retired with no executor to drain its queue',
            }
          : null;
      // The commit performs `RuntimeRetired`: the loop wakes to drain the queue.
      await control(ctx, entry, [{ type: 'Retire', sessionId }], abandon);
    },
    options.signal,
  );
}

/**
 * Abandons what is left of a retired session's queue with the caller's `reason` (the outcome's
 * `message`, which `getInput` and the `input.abandoned` event carry too); returns how many it abandoned.
 */
export function abandonRetiredPendingInputs(
  ctx: RuntimeContext,
  sessionId: string,
  reason: string,
  options: OperationOptions,
): Promise<number> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      // Retired as the public sees it: a retired session still draining its last run counts.
      const phase = visiblePhase(entry.machine);
      if (phase !== 'retired') {
        throw new BurrowError('not_ready', `session ${sessionId} is ${phase}, not retired`, {
          sessionId,
          phase,
          guard: 'retired',
        });
      }
      const plan = planAbandonPending(entry.ledger, 'retired', 'queued', reason, ctx.nowIso());
      await commitChange(ctx, entry, { patches: [plan.patch] });
      return plan.records.length;
    },
    options.signal,
  );
}

/** Clears the runtime binding; pending inputs are abandoned `recycled`. */
export function recycle(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    (entry) =>
      control(ctx, entry, [{ type: 'Recycle' }], {
        reason: 'recycled',
        scope: 'queued',
        message: 'the session was recycled',
      }),
    options.signal,
  );
}

/** Back to idle (or attached); pending inputs are abandoned `reset`. */
export function reset(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    (entry) =>
      control(ctx, entry, [{ type: 'Reset' }], {
        reason: 'reset',
        scope: 'queued',
        message: 'the session was reset',
      }),
    options.signal,
  );
}

/**
 * Terminal: pending inputs (and a live run's) are abandoned `destroyed`; the durable record says
 * destroyed. The commit performs `RuntimeDestroyed` (the loop detached, its run hard-cancelled, the
 * comms drain aborted, every waiter left told `runtime_terminated`).
 */
export function destroy(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions,
): Promise<void> {
  return withSession(
    ctx,
    sessionId,
    async (entry) => {
      await repairDeadAttachment(ctx, entry);
      await control(ctx, entry, [{ type: 'Destroy', sessionId }], {
        reason: 'destroyed',
        scope: 'all',
        message: 'session destroyed',
      });
    },
    options.signal,
  );
}
