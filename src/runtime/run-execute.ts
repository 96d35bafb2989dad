// Executing one turn (03, runtime loop step 2): the executor runs outside the gate, with a RunContext whose
// signal is the hard cancel; every throw, rejection, timeout and hang is contained here.

import { toError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import type { Executor, RunContext, RunProgress, RunResult } from './executor.js';
import { applyBoundary } from './run-boundary.js';
import type { StartedRun } from './run-start.js';
import type { RunFailure } from './thrown-value.js';
import { describeThrown } from './thrown-value.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionEntry } from './session-entry.js';
import { onAbort } from '../core/abort.js';

/** Why a run's signal aborted. */
export class RunAbort extends Error {
  override readonly name = 'RunAbort';
  constructor(
    /** `shutdown`: a forced close; the turn is rolled back (re-run after the restart), not cancelled. */
    readonly kind: 'cancel' | 'timeout' | 'shutdown',
    message: string,
  ) {
    super(message);
  }
}

/** How a turn ended, before the runtime decides its inputs' fates. */
export type RunOutcome =
  | { readonly kind: 'result'; readonly result: RunResult }
  | { readonly kind: 'threw'; readonly failure: RunFailure }
  | { readonly kind: 'aborted'; readonly abort: RunAbort; readonly result: RunResult | null };

const STATUSES: readonly string[] = [
  'completed',
  'completed_without_result',
  'callback_pending',
  'awaiting_approval',
  'cancelled',
];

/** True when `approvals` is a non-empty list of well-formed requests with distinct ids and calls. */
function wellFormedApprovals(approvals: unknown): boolean {
  if (!Array.isArray(approvals) || approvals.length === 0) return false;
  const ids = new Set<string>();
  const calls = new Set<string>();
  for (const a of approvals as unknown[]) {
    if (typeof a !== 'object' || a === null) return false;
    const { approvalId, toolCallId, toolName, input } = a as Record<string, unknown>;
    if (typeof toolCallId !== 'string' || toolCallId === '' || calls.has(toolCallId)) return false;
    if (typeof toolName !== 'string' || toolName === '' || input === undefined) return false;
    if (approvalId !== undefined) {
      if (typeof approvalId !== 'string' || approvalId === '' || ids.has(approvalId)) return false;
      ids.add(approvalId);
    }
    calls.add(toolCallId);
  }
  return true;
}

/**
 * The executor's result as plain JSON data, or null when it is not a well-formed RunResult. The copy
 * is taken here, inside the containment: a result with throwing getters, cycles or values JSON cannot
 * carry (functions, bigints) is the executor's failure, never the loop's crash, and what the store
 * later writes is exactly what was checked.
 */
export function normaliseRunResult(value: unknown): RunResult | null {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return null;
  }
  if (typeof copy !== 'object' || copy === null) return null;
  const { status, append, approvals } = copy as {
    status?: unknown;
    append?: unknown;
    approvals?: unknown;
  };
  const ok =
    typeof status === 'string' &&
    STATUSES.includes(status) &&
    (append === undefined || Array.isArray(append)) &&
    (status !== 'awaiting_approval' || wellFormedApprovals(approvals));
  return ok ? (copy as RunResult) : null;
}

/** The session's committed transcript, oldest first. */
export async function readHistory(ctx: RuntimeContext, entry: SessionEntry): Promise<JsonValue[]> {
  if (entry.transcriptCache !== null) return entry.transcriptCache.map((e) => e.message);
  if (ctx.store === null) return [];
  const entries = await ctx.store.readTranscript(entry.runtimeId, 0, entry.transcriptLength);
  return entries.map((e) => e.message);
}

const MALFORMED: RunFailure = {
  cause: 'executor_error',
  retryable: true,
  message: 'the executor returned a malformed RunResult',
};

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | { ok: 'abandoned' };

/** Reason used to cancel internal timers (a shared object: aborting without one allocates a DOMException). */
const GRACE_DONE = new RunAbort('cancel', 'timer no longer needed');

/** Waits for the executor, but no longer than the grace after an abort (an executor may ignore its signal). */
async function awaitWithGrace(
  ctx: RuntimeContext,
  applying: Promise<unknown>,
  signal: AbortSignal,
): Promise<Settled> {
  // The grace timer exists only once the run is aborted: the common path allocates no timer or controller.
  let grace: AbortController | null = null;
  let stopListening = (): void => undefined;
  const abandoned = new Promise<Settled>((resolve) => {
    stopListening = onAbort(signal, () => {
      grace = new AbortController();
      ctx.clock.sleep(ctx.options.drainGraceMs, grace.signal).then(
        () => resolve({ ok: 'abandoned' }),
        () => undefined,
      );
    });
  });
  try {
    return await Promise.race([
      applying.then(
        (value): Settled => ({ ok: true, value }),
        (error: unknown): Settled => ({ ok: false, error }),
      ),
      abandoned,
    ]);
  } finally {
    (grace as AbortController | null)?.abort(GRACE_DONE);
    stopListening();
  }
}

/** Runs the turn. Never throws: every way the executor can end is an outcome. */
export async function executeRun(
  ctx: RuntimeContext,
  entry: SessionEntry,
  executor: Executor,
  started: StartedRun,
  controller: AbortController,
): Promise<RunOutcome> {
  const { runId } = started;
  const timeout = ctx.options.runTimeoutMs === null ? null : new AbortController();
  if (timeout !== null && ctx.options.runTimeoutMs !== null) {
    ctx.clock.sleep(ctx.options.runTimeoutMs, timeout.signal).then(
      () =>
        controller.abort(
          new RunAbort('timeout', `run timed out after ${ctx.options.runTimeoutMs} ms`),
        ),
      () => undefined,
    );
  }
  const runContext: RunContext = {
    signal: controller.signal,
    boundary: () => ctx.gate.with(entry.sessionId, () => applyBoundary(ctx, entry, runId)),
    emit: (progress: RunProgress) => {
      try {
        entry.events.emitTransient({ type: 'run.progress', data: { runId, progress } });
      } catch (error: unknown) {
        ctx.log.warn('run.progress could not be emitted', {
          sessionId: entry.sessionId,
          error: toError(error).message,
        });
      }
    },
    history: () => readHistory(ctx, entry),
  };
  const applying = Promise.resolve().then(() => executor.apply(started.primitive, runContext));
  try {
    const settled = await awaitWithGrace(ctx, applying, controller.signal);
    const abort = controller.signal.aborted ? (controller.signal.reason as RunAbort) : null;
    if (settled.ok === 'abandoned')
      return { kind: 'aborted', abort: abort ?? new RunAbort('cancel', 'abandoned'), result: null };
    if (settled.ok) {
      const result = normaliseRunResult(settled.value);
      if (result === null) return { kind: 'threw', failure: MALFORMED };
      if (abort !== null && result.status === 'cancelled')
        return { kind: 'aborted', abort, result };
      return { kind: 'result', result };
    }
    if (abort !== null) return { kind: 'aborted', abort, result: null };
    return { kind: 'threw', failure: describeThrown(settled.error) };
  } finally {
    timeout?.abort(GRACE_DONE);
  }
}
