// scriptedExecutor: deterministic turns for tests, benchmarks and the demo — steps, boundaries, delays,
// gates, failures, hangs, and turns that ignore their signal.

import { setTimeout as delay } from 'node:timers/promises';
import type { FailureCause } from '../core/machine-state.js';
import type { JsonValue } from '../core/json.js';
import { ExecutorError } from '../runtime/executor-error.js';
import type { Executor, RunContext, RunPrimitive, RunResult } from '../runtime/executor.js';
import { onAbort } from '../core/abort.js';

/** One scripted turn. Every field is optional: the default is one step that completes with an echo. */
export interface ScriptedTurn {
  /** Steps in the turn; `boundary()` is called between steps (default 1). */
  readonly steps?: number;
  /** Wait before each step (honours the signal unless `ignoreSignal`). */
  readonly delayMs?: number;
  /** Awaited before each step: a test gate that decides when the step ends. */
  readonly gate?: (step: number, run: RunPrimitive) => Promise<void>;
  /** Fail the turn: an ExecutorError with this cause, a plain throw, or a synchronous throw. */
  readonly fail?:
    | { readonly cause: FailureCause; readonly retryable?: boolean; readonly message?: string }
    | 'throw'
    | 'sync-throw';
  /** Never settle unless the signal aborts. */
  readonly hang?: boolean;
  /** Never settle at all, even when aborted (a misbehaving executor). */
  readonly ignoreSignal?: boolean;
  /** The turn's output (default: the texts of its inputs). `null` completes without a result. */
  readonly output?: JsonValue | null;
  /** Messages to append (default: one user and one assistant message). */
  readonly append?: readonly JsonValue[];
}

/** What the scripted executor saw of one run. */
export interface ScriptedRunRecord {
  readonly runId: string;
  readonly attempt: number;
  readonly inputIds: readonly string[];
  readonly injected: string[];
  readonly history: number;
  result: 'completed' | 'cancelled' | 'failed' | 'pending';
}

/** A scripted executor with the record of what it ran. */
export interface ScriptedExecutor extends Executor {
  readonly runs: readonly ScriptedRunRecord[];
  readonly stopped: boolean;
}

function textOf(payload: JsonValue): string {
  if (typeof payload === 'string') return payload;
  return JSON.stringify(payload);
}

/** Awaits `work`, or rejects with the signal's reason as soon as it aborts (a gate honours cancellation). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | null): Promise<T> {
  if (signal === null) return work;
  return new Promise<T>((resolve, reject) => {
    const stopListening = onAbort(signal, reject);
    void work.then(resolve, reject).finally(stopListening);
  });
}

/** Never settles, unless `signal` aborts: then rejects with its reason (a hang that honours cancel). */
function waitForever(signal: AbortSignal | null): Promise<never> {
  return new Promise((_resolve, reject) => {
    // The hang ends only by abort, and an abort removes the listener itself (it fires once).
    onAbort(signal, reject);
  });
}

/**
 * Builds a scripted executor. `script` is a list (turn n uses entry n, the last repeats) or a function
 * of the run and its index.
 *
 * @example
 * const executor = scriptedExecutor([{ steps: 2 }, { fail: { cause: 'llm_failure' } }]);
 */
export function scriptedExecutor(
  script: readonly ScriptedTurn[] | ((run: RunPrimitive, index: number) => ScriptedTurn) = [],
): ScriptedExecutor {
  const runs: ScriptedRunRecord[] = [];
  let stopped = false;
  const turnFor = (run: RunPrimitive, index: number): ScriptedTurn =>
    typeof script === 'function'
      ? script(run, index)
      : (script[Math.min(index, script.length - 1)] ?? {});

  const apply = async (
    run: RunPrimitive,
    ctx: RunContext,
    turn: ScriptedTurn,
    record: ScriptedRunRecord,
  ): Promise<RunResult> => {
    const signal = turn.ignoreSignal === true ? null : ctx.signal;
    if (turn.ignoreSignal === true) await waitForever(null);
    if (turn.hang === true) await waitForever(signal);
    const steps = Math.max(1, turn.steps ?? 1);
    const texts = run.inputs.map((input) => textOf(input.payload['content'] ?? input.payload));
    for (let step = 0; step < steps; step += 1) {
      signal?.throwIfAborted();
      if (turn.delayMs !== undefined)
        await delay(turn.delayMs, undefined, signal === null ? {} : { signal });
      if (turn.gate !== undefined) await untilAborted(turn.gate(step, run), signal);
      signal?.throwIfAborted();
      if (step < steps - 1) {
        const directive = await ctx.boundary();
        for (const input of directive.inject) {
          record.injected.push(input.inputId);
          texts.push(textOf(input.payload['content'] ?? input.payload));
        }
        if (directive.stop) {
          record.result = 'cancelled';
          return {
            status: 'cancelled',
            append: [{ role: 'assistant', content: `stopped after step ${step + 1}` }],
          };
        }
      }
    }
    if (turn.fail === 'throw') throw new Error('scripted failure');
    if (turn.fail !== undefined && turn.fail !== 'sync-throw') {
      throw new ExecutorError(turn.fail.cause, turn.fail.message ?? 'scripted failure', {
        retryable: turn.fail.retryable ?? true,
      });
    }
    const append = turn.append ?? [
      { role: 'user', content: texts.join('\n') },
      { role: 'assistant', content: `done: ${texts.join(' | ')}` },
    ];
    record.result = 'completed';
    if (turn.output === null) return { status: 'completed_without_result', append };
    return { status: 'completed', output: turn.output ?? texts, append };
  };

  return {
    get runs() {
      return runs;
    },
    get stopped() {
      return stopped;
    },
    apply(run, ctx) {
      const turn = turnFor(run, runs.length);
      const record: ScriptedRunRecord = {
        runId: run.runId,
        attempt: run.attempt,
        inputIds: run.inputs.map((i) => i.inputId),
        injected: [],
        history: 0,
        result: 'pending',
      };
      runs.push(record);
      if (turn.fail === 'sync-throw') throw new Error('scripted synchronous failure');
      return ctx.history().then((history) => {
        (record as { history: number }).history = history.length;
        return apply(run, ctx, turn, record).catch((error: unknown) => {
          record.result = ctx.signal.aborted ? 'cancelled' : 'failed';
          throw error;
        });
      });
    },
    stop() {
      stopped = true;
      return Promise.resolve();
    },
  };
}
