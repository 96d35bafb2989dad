// What the loop does after a turn that could not end normally: a run to roll back, a run commit the
// store refused, a run end the machine refused. Each lands now, or tells the loop what to retry.
//
// The rule (03, step 4): a store outage (`store_unavailable`) heals by itself, so the run is rolled
// back and the loop goes on after a back-off. Any other refusal (`internal`: the store will refuse
// this batch again) must not re-run the turn endlessly: the run is rolled back, the executor detached
// (the session rests idle with its inputs queued, claimable again) and a notice says why. `fenced`:
// another host owns the session; the loop exits and touches nothing.

import { isBurrowError, toError } from '../../core/errors.js';
import type { ErrorInfo } from '../../core/ledger/input-record.js';
import { detachExecutor, rollbackRun } from './executor-detach.js';
import type { StartedRun } from './run-start.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';

/** What the loop should do after a finished turn. */
export type FinishResult =
  /** Start the next batch, after `backoffMs`; after a setback never without yielding first. */
  | { readonly next: 'continue'; readonly backoffMs: number; readonly setback: boolean }
  /**
   * A write that must land before anything else failed (the store is down): after `backoffMs`, the
   * loop retries it outside the gate — the rollback of `runId`, or detaching the executor when
   * `detach` gives the reason.
   */
  | {
      readonly next: 'retry';
      readonly runId: string;
      readonly detach: string | null;
      readonly backoffMs: number;
    }
  /** Exit without touching state: the loop is stale, the session gone or fenced, or the executor detached. */
  | { readonly next: 'exit'; readonly reason: string };

/** Go on at once. */
export const GO_ON: FinishResult = { next: 'continue', backoffMs: 0, setback: false };

function retryLater(
  ctx: RuntimeContext,
  entry: SessionEntry,
  runId: string,
  detach: string | null,
  error: unknown,
): FinishResult {
  ctx.log.warn(
    detach === null
      ? 'could not roll back a run; will retry'
      : 'could not detach an executor; will retry',
    {
      sessionId: entry.sessionId,
      runId,
      error: toError(error).message,
    },
  );
  if (isBurrowError(error, 'fenced')) return { next: 'exit', reason: 'fenced' };
  return { next: 'retry', runId, detach, backoffMs: ctx.options.retryBackoffMs.max };
}

/**
 * Rolls `runId` back (and, when `detach` gives a reason, detaches the executor: see
 * {@link detachExecutor}), then answers `after`; or tells the loop to retry the same write later.
 */
export async function rollbackOrRetry(
  ctx: RuntimeContext,
  entry: SessionEntry,
  runId: string,
  after: FinishResult,
  detach: string | null = null,
): Promise<FinishResult> {
  try {
    if (detach === null) await rollbackRun(ctx, entry, runId);
    else await detachExecutor(ctx, entry, detach);
    return after;
  } catch (error: unknown) {
    return retryLater(ctx, entry, runId, detach, error);
  }
}

/** Rolls the run back and detaches the executor, then the loop exits; or tells the loop to retry. */
export function detachOrRetry(
  ctx: RuntimeContext,
  entry: SessionEntry,
  runId: string,
  reason: string,
): Promise<FinishResult> {
  return rollbackOrRetry(ctx, entry, runId, { next: 'exit', reason }, reason);
}

/**
 * The store refused the run's commit; nothing was half-written. Callers of a completed run are told
 * `completed_with_finalization_failure` (the result is withheld). Then the rule of this module's
 * header: back off on an outage, detach the executor on a refusal that will not heal, exit if fenced.
 */
export async function finalizationFailed(
  ctx: RuntimeContext,
  entry: SessionEntry,
  started: StartedRun,
  error: unknown,
  completed: boolean,
): Promise<FinishResult> {
  const { runId } = started;
  const info: ErrorInfo = {
    code: isBurrowError(error) ? error.code : 'store_unavailable',
    message: toError(error).message,
  };
  ctx.log.error('the commit of a run failed', {
    sessionId: entry.sessionId,
    runId,
    error: info.message,
  });
  if (completed) {
    for (const record of started.records) {
      entry.completions.settle(record.header.inputId, {
        status: 'completed_with_finalization_failure',
        runId,
        error: info,
      });
    }
  }
  if (isBurrowError(error, 'fenced')) return { next: 'exit', reason: 'fenced' };
  if (info.code === 'store_unavailable') {
    return rollbackOrRetry(ctx, entry, runId, {
      next: 'continue',
      backoffMs: ctx.options.retryBackoffMs.max,
      setback: true,
    });
  }
  const reason = `the store refused the commit of run ${runId} (${info.code}: ${info.message}); the run was rolled back and the executor detached`;
  return detachOrRetry(ctx, entry, runId, reason);
}
