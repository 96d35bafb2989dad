// Attaching an executor to a session (called under its gate): the bindings, the claim, the runtime loop
// and what happens when the loop exits; and the repair of an attachment whose loop died.

import { toError } from '../../core/errors.js';
import { hasQueuedWork } from '../../core/ledger/input-ledger.js';
import { planAbandonPending } from '../../core/ledger/run-end.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import { step, stepAll } from '../../core/machine/session-machine.js';
import type { Executor } from '../executor.js';
import { isCurrent, refusalError } from './refusals.js';
import type { RuntimeContext } from '../runtime-context.js';
import { RuntimeLoop } from '../loop/runtime-loop.js';
import { detachExecutor } from '../loop/executor-detach.js';
import { commitChange } from './commit.js';
import type { SessionEntry } from './entry.js';
import type { EventDraft } from './events.js';

/**
 * The `PrepareBindings` input of `entry` (01/04): its runtime id, the fence of this host's lease (0
 * without ownership: the local path) and its epoch. A no-op step when the binding already holds them.
 */
export function prepareBindings(entry: SessionEntry): MachineInput {
  return {
    type: 'PrepareBindings',
    sessionId: entry.sessionId,
    runtimeId: entry.runtimeId,
    fenceToken: entry.fence ?? 0,
    generation: null,
    epochId: entry.epochId,
  };
}

/**
 * A loop that crashed (a bug of its own: executors cannot crash it) leaves a dead attachment: the claim
 * is active but nothing drains the queue. The loop's exit hook repairs it at once; if that failed (the
 * store was down), the next register, attach, stop, retire, destroy or unregister repairs it. The
 * repair detaches the executor: the run is rolled back, the claim released (`RuntimeExecutorLost`),
 * queued inputs stay queued and an executor can claim the session again (the seed's repair always
 * errors; ours once left the session `stopped` for good). A loop that exited normally is no dead
 * attachment, even before its exit hook ran. Called under the gate.
 */
export async function repairDeadAttachment(
  ctx: RuntimeContext,
  entry: SessionEntry,
): Promise<void> {
  const loop = entry.loop;
  if (loop === null || loop.crash === null) return;
  const detached = await detachExecutor(ctx, entry, `the runtime loop crashed: ${loop.crash}`);
  // The machine refused (logged as a bug): forget the loop anyway, so a new executor can claim.
  if (!detached) entry.detach();
}

/**
 * What happens when a loop exits: a stop ends the executor's claim; a crash detaches the executor (see
 * {@link repairDeadAttachment}); a detach leaves state to its caller. The executor is stopped in every case.
 */
async function onLoopExit(
  ctx: RuntimeContext,
  entry: SessionEntry,
  loop: RuntimeLoop,
  exit: { kind: 'stop' | 'detach' | 'crash'; reason: string },
): Promise<void> {
  if (exit.kind === 'crash') {
    await ctx.gate.with(entry.sessionId, async () => {
      if (isCurrent(ctx, entry) && entry.loop === loop) await repairDeadAttachment(ctx, entry);
    });
  }
  if (exit.kind === 'stop') {
    await ctx.gate.with(entry.sessionId, async () => {
      if (!isCurrent(ctx, entry) || entry.loop !== loop) return;
      entry.detach();
      const exited = step(entry.machine, { type: 'RuntimeExecutorExited' });
      if (!exited.ok) return;
      const abandon = planAbandonPending(entry.ledger, 'stopped', 'all', exit.reason, ctx.nowIso());
      await commitChange(ctx, entry, {
        machine: exited,
        patches: [abandon.patch],
        events: [{ type: 'session.executor_detached', data: { reason: exit.reason } }],
      });
    });
  }
  try {
    await loop.executor.stop?.(exit.reason);
    if (exit.kind === 'stop') await loop.executor.cleanupAfterStop?.();
  } catch (error: unknown) {
    ctx.log.warn('executor stop failed', {
      sessionId: entry.sessionId,
      error: toError(error).message,
    });
  }
}

/**
 * Claims `executor` for the session (filling its bindings first: after a recycle or reset they are
 * prepared again), spawns its loop and publishes the attachment; queued inputs start draining. An
 * existing live claim makes this a no-op. Called under the gate.
 */
export async function attachExecutor(
  ctx: RuntimeContext,
  entry: SessionEntry,
  executor: Executor,
  options: {
    /** Events of the caller's own change that go into the attach's commit (an opening's registration). */
    readonly before?: readonly EventDraft[];
    /** Emit `session.executor_attached` (default true; a silent reopening of a stored session does not). */
    readonly announce?: boolean;
  } = {},
): Promise<void> {
  await repairDeadAttachment(ctx, entry);
  const claimed = stepAll(entry.machine, [
    prepareBindings(entry),
    { type: 'EnsureSessionWithExecutor', sessionId: entry.sessionId },
  ]);
  if (!claimed.ok) throw refusalError(entry.sessionId, claimed);
  if (entry.machine.registration === 'active' && entry.loop !== null) {
    // Already claimed: only a binding cleared by a recycle or reset is filled again.
    if (claimed.state.binding !== entry.machine.binding)
      await commitChange(ctx, entry, { machine: claimed });
    return;
  }
  const loop = new RuntimeLoop(ctx, entry, executor, (l, exit) => onLoopExit(ctx, entry, l, exit));
  await commitChange(ctx, entry, {
    machine: claimed,
    events: [
      ...(options.before ?? []),
      ...(options.announce === false
        ? []
        : [{ type: 'session.executor_attached' as const, data: {} }]),
    ],
  });
  entry.attach(loop);
  loop.start();
  if (hasQueuedWork(entry.ledger)) loop.wake();
}
