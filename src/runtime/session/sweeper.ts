// The sweeper (04, Recovery 7): the recovery pass of recovery.ts, run periodically while the runtime
// lives, so sessions whose owner is gone resume without any client.

import { toError } from '../../core/errors.js';
import type { RuntimeContext } from '../runtime-context.js';
import { recoverPass } from './recovery.js';

/**
 * The sweeper: a recovery pass every `sweepIntervalMs` until `signal` aborts, so a session whose owner
 * is gone (a dead or reaped process of this machine, an expired lease) resumes without any client, and
 * a failed recovery is retried (with a per-session back-off, so a corrupt session does not spin).
 */
export async function sweepLoop(ctx: RuntimeContext, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await ctx.clock.sleep(ctx.options.sweepIntervalMs, signal);
    } catch {
      return;
    }
    // A pass still running (startup recovery) makes this sweep unnecessary.
    if (ctx.closing) return;
    if (ctx.recovery.pass !== null) continue;
    ctx.ownershipStats.sweeps += 1;
    try {
      await recoverPass(ctx, {
        concurrency: 16,
        signal,
        includeActive: false,
        respectBackoff: true,
      });
    } catch (error: unknown) {
      if (signal.aborted) return;
      ctx.ownershipStats.sweepFailures += 1;
      ctx.log.warn('the recovery sweep failed', { error: toError(error).message });
    }
  }
}
