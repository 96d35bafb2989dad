// The runtime's own lifecycle: startup recovery, readiness, and graceful (or forced) shutdown.

import { toError } from '../core/errors.js';
import { onAbort } from '../core/abort.js';
import { recoverPass } from './session/recovery.js';
import { removeEntry } from './session/remove.js';
import { releaseSession } from './ownership/leases.js';
import type {
  OperationOptions,
  Readiness,
  RecoverOptions,
  RecoverReport,
} from './operation-types.js';
import type { RuntimeContext } from './runtime-context.js';

/** Startup recovery: one recovery pass over every session with work; the runtime is not ready meanwhile. */
export async function recover(
  ctx: RuntimeContext,
  options: RecoverOptions,
): Promise<RecoverReport> {
  ctx.recovery.running += 1;
  try {
    const pass = await recoverPass(ctx, {
      concurrency: options.concurrency ?? 16,
      includeActive: true,
      respectBackoff: false,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return { recovered: pass.recovered, failed: pass.failed, heldElsewhere: pass.heldElsewhere };
  } finally {
    ctx.recovery.running -= 1;
  }
}

/** Readiness: not while shutting down or recovering at startup, nor when the store does not answer. */
export async function readiness(ctx: RuntimeContext): Promise<Readiness> {
  if (ctx.closing) return { ready: false, reason: 'the runtime is shutting down' };
  if (ctx.recovery.running > 0)
    return { ready: false, reason: 'startup recovery has not finished' };
  try {
    await ctx.store?.probe?.();
  } catch (error: unknown) {
    // Lost or read-only storage is an operator's emergency: say it in the log, not only in /readyz.
    ctx.log.error('the store failed its readiness probe', { error: toError(error).message });
    return { ready: false, reason: `the store does not answer: ${toError(error).message}` };
  }
  return { ready: true };
}

/** Graceful shutdown: loops detach, comms end, entries are removed and leases released; aborting `options.signal` hard-cancels. */
export async function shutdown(
  ctx: RuntimeContext,
  options: OperationOptions,
  stopSweeper: () => Promise<void>,
  stopHeartbeat: () => Promise<void>,
): Promise<void> {
  ctx.closing = true;
  // Openings in flight (first touches, the sweeper) publish their entries before the list is taken.
  await stopSweeper();
  await Promise.all([...ctx.activations.values()]);
  const entries = [...ctx.sessions.values()];
  const loops = entries.flatMap((entry) => (entry.loop === null ? [] : [entry.loop]));
  for (const loop of loops) loop.requestExit('detach', 'runtime shutting down');
  for (const entry of entries) entry.comms?.abort('runtime shutting down');
  const escalate = (): void => {
    for (const loop of loops) loop.hardCancel('runtime shutting down (forced)', 'shutdown');
  };
  const stopListening = onAbort(options.signal, escalate);
  try {
    await Promise.all([
      ...loops.map((loop) => loop.done),
      ...entries.flatMap((e) => (e.comms === null ? [] : [e.comms.done])),
    ]);
  } finally {
    stopListening();
  }
  for (const entry of entries) {
    await ctx.gate.with(entry.sessionId, () => removeEntry(ctx, entry, 'process shutdown'));
    await releaseSession(ctx, entry.sessionId);
  }
  await stopHeartbeat();
  await ctx.store?.close();
}
