// Registration and executor attachment: registerSession, ensureSessionWithExecutor (upgrade in place),
// and the provisional interrupt handle.

import { BurrowError } from '../../core/errors.js';
import type { Executor } from '../executor.js';
import type { InterruptHandle, OperationOptions } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import { withSession } from '../session/access.js';
import { openSession } from '../session/activate.js';
import { attachExecutor, repairDeadAttachment } from '../session/attach.js';

/**
 * Registers `sessionId` if it is not registered: fresh, or recovered from the store. Returns true when
 * this call created the entry. Idempotent; a destroyed session refuses with `destroyed`.
 */
export async function registerSession(
  ctx: RuntimeContext,
  sessionId: string,
  options: OperationOptions = {},
): Promise<boolean> {
  const release = await ctx.gate.lock(sessionId, options.signal);
  try {
    const existing = ctx.sessions.get(sessionId);
    if (existing === undefined) {
      await openSession(ctx, sessionId, { kind: 'register', attach: false });
      return true;
    }
    if (existing.machine.phase === 'destroyed') {
      throw new BurrowError(
        'destroyed',
        `session ${sessionId} is destroyed and can never be registered again`,
        { sessionId, phase: 'destroyed' },
      );
    }
    await repairDeadAttachment(ctx, existing);
    return false;
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
    (entry) => attachExecutor(ctx, entry, executor),
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
    entry.setProvisionalInterrupt(handle);
  });
}
