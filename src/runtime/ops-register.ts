// Registration and executor attachment: registerSession, ensureSessionWithExecutor (upgrade in place),
// dead-attachment repair, the loop's exit, and the provisional interrupt handle.

import { toError } from '../core/errors.js';
import { hasQueuedWork } from '../core/input-ledger.js';
import { planAbandonPending } from '../core/ledger-run-end.js';
import { step } from '../core/session-machine.js';
import type { Executor } from './executor.js';
import { isCurrent, stepOrThrow, withSession } from './machine-errors.js';
import type { InterruptHandle, OperationOptions } from './runtime-api.js';
import type { RuntimeContext } from './runtime-context.js';
import { RuntimeLoop } from './runtime-loop.js';
import { commitChange } from './session-commit.js';
import type { SessionEntry } from './session-entry.js';
import { buildEntry } from './session-load.js';
import { noticeEvents } from './effects.js';
import { detachExecutor } from './executor-detach.js';
import { claimSession, releaseSession } from './ownership.js';
import { commitOpsChange, createSessionOps } from './session-ops.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { LifecycleRecord } from '../store/records.js';
import { lifecycleRecord } from './session-commit.js';

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
  if (!detached) entry.loop = null;
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
      entry.loop = null;
      const exited = step(entry.machine, { type: 'RuntimeExecutorExited' });
      if (!exited.ok) return;
      const abandon = planAbandonPending(entry.ledger, 'stopped', 'all', exit.reason, ctx.nowIso());
      await commitChange(ctx, entry, {
        machine: exited,
        patches: [abandon.patch],
        events: [
          ...noticeEvents(exited.effects),
          { type: 'session.executor_detached', data: { reason: exit.reason } },
        ],
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
 * Registers `sessionId` if it is not registered: fresh, or recovered from the store. Returns true when
 * this call created the entry. Idempotent; a destroyed stored session refuses with `destroyed`.
 */
export async function registerSession(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions = {},
  preclaimed?: number,
): Promise<boolean> {
  const release = await ctx.gate.lock(sessionId, options.signal);
  try {
    const existing = ctx.sessions.get(sessionId);
    if (existing !== undefined) {
      await repairDeadAttachment(ctx, existing);
      return false;
    }
    const fence = await claimSession(ctx, sessionId, preclaimed);
    let entry: SessionEntry;
    let recovered = false;
    let storedLifecycle: LifecycleRecord | null = null;
    try {
      const stored = ctx.store === null ? null : await ctx.store.load(`rt:session:${sessionId}`);
      recovered = stored !== null;
      storedLifecycle = stored?.lifecycle ?? null;
      entry = buildEntry(ctx, sessionId, stored);
      entry.fence = fence;
      if (stored !== null && (stored.operations.length > 0 || stored.opsCursor !== null)) {
        // Finished operations come back with their completion sequence; in-flight ones end
        // terminated{runtime_restarted} (written before this resolves). Corrupt records fail closed.
        entry.ops = createSessionOps(ctx, entry);
        // The gate is held here: the recovery's own write goes straight to the commit path.
        const recovering = entry;
        await entry.ops.recover(stored.operations, stored.opsCursor, (change) =>
          commitOpsChange(ctx, recovering, change),
        );
      }
    } catch (error: unknown) {
      // A session that cannot be built here (destroyed, corrupt) must not keep this host's lease.
      if (fence !== undefined) await releaseSession(ctx, sessionId);
      throw error;
    }
    // A recovered session whose stored lifecycle is already what this process would write needs no
    // write to register (recovering 10,000 sessions then costs no transaction per session).
    const storedKey = storedLifecycle === null ? null : canonicalJson(storedLifecycle);
    const unchanged =
      storedKey !== null && storedKey === canonicalJson(lifecycleRecord(entry, entry.machine));
    if (unchanged) entry.persistedLifecycle = storedKey;
    await commitChange(ctx, entry, {
      events: [{ type: 'session.registered', data: { epochId: entry.epochId, recovered } }],
    });
    ctx.sessions.set(sessionId, entry);
    // Wakes of operations that finished before a crash but were never delivered (outside the gate).
    const ops = entry.ops;
    if (ops !== null) {
      void ops.deliverPending().catch((error: unknown) =>
        ctx.log.warn('could not deliver pending operation wakes', {
          sessionId,
          error: toError(error).message,
        }),
      );
    }
    return true;
  } finally {
    release();
  }
}

/**
 * Claims `executor` for the session (registering it first if needed), spawns its loop and publishes the
 * attachment. A session registered without an executor is upgraded in place: its queued inputs stay
 * and start draining. An existing live claim makes this a no-op.
 */
export async function ensureSessionWithExecutor(
  ctx: RuntimeContext,
  sessionId: string,
  executor: Executor,
  options: OperationOptions = {},
): Promise<void> {
  await registerSession(ctx, sessionId, options);
  await withSession(
    ctx,
    sessionId,
    async (entry) => {
      await repairDeadAttachment(ctx, entry);
      const claimed = stepOrThrow(sessionId, entry.machine, {
        type: 'EnsureSessionWithExecutor',
        sessionId,
      });
      if (entry.machine.registration === 'active' && entry.loop !== null) return;
      const loop = new RuntimeLoop(ctx, entry, executor, (l, exit) =>
        onLoopExit(ctx, entry, l, exit),
      );
      await commitChange(ctx, entry, {
        machine: claimed,
        events: [{ type: 'session.executor_attached', data: {} }],
      });
      entry.loop = loop;
      entry.provisionalInterrupt = null;
      loop.start();
      if (hasQueuedWork(entry.ledger)) loop.wake();
    },
    options.signal,
  );
}

/** Installs a provisional hard-cancel handle for a turn that runs before the executor is attached. */
export async function installPreparedSessionInterruptHandle(
  ctx: RuntimeContext,
  sessionId: string,
  handle: InterruptHandle,
): Promise<void> {
  await withSession(ctx, sessionId, async (entry) => {
    await repairDeadAttachment(ctx, entry);
    entry.provisionalInterrupt = handle;
  });
}
