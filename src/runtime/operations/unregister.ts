// The two-phase unregister drain (03): never strand a waiter, never lose a committed result, never wedge.
// The machine decides each step and the commits perform its effects (effects.ts): opening the drain
// detaches the loop and aborts the comms drain; `SessionUnregistered` removes the session and settles
// its waiters. This module holds the gate, the bounded waits and the lease.

import { BurrowError } from '../../core/errors.js';
import { hasQueuedWork } from '../../core/ledger/input-ledger.js';
import { planAbandonPending } from '../../core/ledger/run-end.js';
import { visiblePhase } from '../../core/machine/classifiers.js';
import type { MachineEffect } from '../../core/machine/effects.js';
import { EMPTY_BINDING } from '../../core/machine/state.js';
import { initialVisibility } from '../../core/tool-visibility.js';
import { stepAll } from '../../core/machine/session-machine.js';
import type { LifecycleRecord } from '../../store/records.js';
import { LIFECYCLE_RECORD_VERSION } from '../../store/records.js';
import { UNREGISTERED } from '../effects.js';
import { refusalError, stepOrThrow } from '../session/refusals.js';
import { repairDeadAttachment } from '../session/attach.js';
import type { OperationOptions } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionChange } from '../session/commit.js';
import { commitChange } from '../session/commit.js';
import { lifecycleRecord } from '../session/lifecycle-record.js';
import type { SessionEntry } from '../session/entry.js';
import { removeEntry } from '../session/remove.js';
import { knownEntryUnderGate } from '../session/access.js';
import { releaseSession } from '../ownership/leases.js';

function isDestroyed(entry: SessionEntry): boolean {
  return entry.machine.phase === 'destroyed';
}

/** Waits for `done`, but at most the drain grace; true when it finished in time. */
async function withinGrace(ctx: RuntimeContext, done: Promise<void>): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      done.then(() => true),
      ctx.clock.sleep(ctx.options.drainGraceMs, timer.signal).then(
        () => false,
        () => true,
      ),
    ]);
  } finally {
    timer.abort();
  }
}

/** Phases 5–7, under the gate: settle, close the obligations, unregister, apply the durability decision. */
async function finishDrain(ctx: RuntimeContext, entry: SessionEntry): Promise<void> {
  const sessionId = entry.sessionId;
  const binding = entry.machine.binding;
  const closed = stepAll(entry.machine, [
    { type: 'RuntimeLoopStoppedForUnregister', sessionId },
    { type: 'CommsDrainExitedForUnregister', sessionId },
    { type: 'CompletionWaitersResolvedForUnregister', sessionId },
    { type: 'ResolveRuntimeOpsLifecycleDurability', sessionId, binding },
    { type: 'UnregisterSession', sessionId, binding },
  ]);
  if (!closed.ok) throw refusalError(sessionId, closed);
  const durability = closed.effects.find(
    (e): e is Extract<MachineEffect, { type: 'RuntimeOpsLifecycleDurabilityResolved' }> =>
      e.type === 'RuntimeOpsLifecycleDurabilityResolved',
  );
  const retain = durability?.action !== 'delete_snapshot';
  const abandon = planAbandonPending(
    entry.ledger,
    'unregistered',
    'all',
    UNREGISTERED,
    ctx.nowIso(),
  );
  // Either way the stored lifecycle loses its epoch: the store no longer knows the session as
  // registered (its next touch is a 404; a registration starts a new epoch). A retained snapshot keeps
  // the phase (retired or stopped), intents and visibility that registration recovers.
  const cleared: LifecycleRecord = retain
    ? { ...lifecycleRecord(entry, entry.machine), binding: EMPTY_BINDING, epochId: '' }
    : {
        recordVersion: LIFECYCLE_RECORD_VERSION,
        sessionId,
        phase: 'idle',
        binding: EMPTY_BINDING,
        epochId: '',
        silentIntents: [],
        visibility: initialVisibility(),
      };
  const change: SessionChange = {
    machine: closed,
    patches: [abandon.patch],
    events: [{ type: 'session.unregistered', data: { retainSnapshot: retain } }],
    lifecycle: cleared,
    ...(retain ? {} : { deleteOperations: true }),
  };
  // The operations record follows the same decision, in the same transaction.
  const ops = entry.ops;
  if (ops !== null) {
    await ops.unregister(retain ? 'retain_snapshot' : 'delete_snapshot', (batch) =>
      commitChange(ctx, entry, {
        ...change,
        ...batch,
        events: [...batch.events, ...(change.events ?? [])],
      }),
    );
  } else {
    await commitChange(ctx, entry, change);
  }
  // The commit performed SessionUnregistered (the entry is gone); the lease goes last.
  await releaseSession(ctx, sessionId);
}

async function drain(
  ctx: RuntimeContext,
  sessionId: string,
  entry: SessionEntry,
  release: () => void,
): Promise<void> {
  // Phase 1 (gate held): open the drain window. Phase 2, performed by the commit: the loop is asked
  // to detach and the comms drain aborted; their handles stay here for the bounded waits.
  const loop = entry.loop;
  const comms = entry.comms;
  const begin = stepOrThrow(sessionId, entry.machine, {
    type: 'BeginUnregisterSession',
    sessionId,
    binding: entry.machine.binding,
  });
  await commitChange(ctx, entry, { machine: begin });
  // Phase 3: release the gate: an in-flight turn needs it to commit. The draining mark keeps the window safe.
  release();
  // Phase 4: hard-cancel the in-flight run; bounded waits, then abandon what did not stop.
  if (loop !== null) {
    loop.hardCancel(UNREGISTERED);
    if (!(await withinGrace(ctx, loop.done))) {
      loop.abort('the runtime loop ignored its cancel past the drain grace');
      ctx.log.warn('runtime loop abandoned after the unregister grace', { sessionId });
    }
  }
  if (comms !== null && !(await withinGrace(ctx, comms.done)))
    ctx.log.warn('comms drain abandoned after the unregister grace', { sessionId });
}

/**
 * Unregisters a session through the two-phase drain. Idempotent: an unknown session is a success, and
 * a concurrent second call waits for the drain in progress. With `epochId`, only that incarnation.
 */
export async function unregisterSession(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions & { epochId?: string } = {},
): Promise<boolean> {
  let release = await ctx.gate.lock(sessionId, options.signal);
  let held = true;
  const releaseOnce = (): void => {
    if (held) {
      held = false;
      release();
    }
  };
  try {
    const entry = await knownEntryUnderGate(ctx, sessionId);
    if (entry === null) return false;
    if (options.epochId !== undefined && entry.epochId !== options.epochId) return false;
    if (entry.unregistering !== null) {
      const inProgress = entry.unregistering;
      releaseOnce();
      await inProgress;
      return true;
    }
    await repairDeadAttachment(ctx, entry);
    if (isDestroyed(entry)) {
      removeEntry(ctx, entry, 'session destroyed');
      await releaseSession(ctx, sessionId);
      return true;
    }
    const finished = entry.beginUnregister();
    try {
      if (entry.machine.registration !== 'draining')
        await drain(ctx, sessionId, entry, releaseOnce);
      // Phase 5: re-take the gate; if the session vanished meanwhile, it is done.
      if (!held) {
        release = await ctx.gate.lock(sessionId);
        held = true;
      }
      if (ctx.sessions.get(sessionId) !== entry) return true;
      // Destroy overrides an unregister in flight (it may have run while the gate was released).
      if (isDestroyed(entry)) {
        removeEntry(ctx, entry, 'session destroyed');
        await releaseSession(ctx, sessionId);
      } else {
        await finishDrain(ctx, entry);
      }
      return true;
    } finally {
      finished();
    }
  } finally {
    releaseOnce();
  }
}

/**
 * Drops a finished storeless session (retired or stopped, nothing queued) through the same drain
 * contract. Returns false when the session does not qualify.
 */
export async function discardTerminalStorelessSession(
  ctx: RuntimeContext,
  sessionId: string,
): Promise<boolean> {
  if (ctx.store !== null) return false;
  const entry = ctx.sessions.get(sessionId);
  if (entry === undefined) return false;
  const phase = visiblePhase(entry.machine);
  if (
    (phase !== 'retired' && phase !== 'stopped') ||
    hasQueuedWork(entry.ledger) ||
    entry.ledger.live.size > 0
  )
    return false;
  try {
    return await unregisterSession(ctx, sessionId, { epochId: entry.epochId });
  } catch (error: unknown) {
    if (error instanceof BurrowError) return false;
    throw error;
  }
}
