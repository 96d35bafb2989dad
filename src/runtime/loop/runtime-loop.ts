// The runtime loop of one attached session (03): created -> running -> stopping -> stopped.
//
// It waits on, in priority order: an exit request (stop, detach, abort) — always first, so a stop
// beats queued work, and a loop asked to exit never starts a new turn — then wakes (level-triggered:
// any number of wakes before it looks coalesce into one). For each batch it stages under the gate,
// runs the executor outside it, and finishes under it. After a setback it backs off instead of
// spinning, or exits once its executor was detached (runtime/loop/run-setback.ts). Its exit settles what it owns;
// only a crash (a bug of its own) leaves a dead attachment, which its exit hook repairs.

import { isBurrowError, toError } from '../../core/errors.js';
import type { Executor } from '../executor.js';
import { detachExecutor, rollbackRun } from './executor-detach.js';
import { executeRun, RunAbort } from './run-execute.js';
import { finishBatch } from './run-finish.js';
import type { FinishResult } from './run-setback.js';
import { isCurrent } from '../session/refusals.js';
import { debounceWait, startBatch } from './run-start.js';
import { waitOrApprovalExpiry } from './approval-expiry-wait.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import type { LoopHandle } from '../session/entry-types.js';

/** What the loop does when it exits, given how it was asked to. */
export type LoopExitHook = (
  loop: RuntimeLoop,
  exit: { kind: 'stop' | 'detach' | 'crash'; reason: string },
) => Promise<void>;

/** The runtime loop. Start it with `start()`; it never rejects. */
export class RuntimeLoop implements LoopHandle {
  state: LoopHandle['state'] = 'created';
  done: Promise<void> = Promise.resolve();
  #woken = false;
  #waiter: (() => void) | null = null;
  #exit: { kind: 'stop' | 'detach'; reason: string } | null = null;
  #aborted = false;
  #crash: string | null = null;
  #run: AbortController | null = null;
  /** A forced shutdown's hard cancel: sticky, so a run that starts after it is aborted at once. */
  #escalation: RunAbort | null = null;
  readonly #exitSignal = new AbortController();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly entry: SessionEntry,
    readonly executor: Executor,
    private readonly onExit: LoopExitHook,
  ) {}

  get busy(): boolean {
    return this.#run !== null;
  }

  /** True once the loop was abandoned after the drain grace. */
  get aborted(): boolean {
    return this.#aborted;
  }

  get crash(): string | null {
    return this.#crash;
  }

  start(): void {
    if (this.state !== 'created') return;
    this.state = 'running';
    this.done = this.#main();
  }

  wake(): void {
    this.#woken = true;
    this.#notify();
  }

  requestExit(kind: 'stop' | 'detach', reason: string): void {
    if (this.#exit === null || kind === 'detach') this.#exit = { kind, reason };
    if (this.state === 'running') this.state = 'stopping';
    this.#exitSignal.abort(new RunAbort('cancel', reason));
    this.#notify();
  }

  hardCancel(reason: string, kind: 'cancel' | 'shutdown' = 'cancel'): void {
    const abort = new RunAbort(kind, reason);
    if (kind === 'shutdown') this.#escalation ??= abort;
    if (this.#run !== null && !this.#run.signal.aborted) this.#run.abort(abort);
  }

  abort(reason: string): void {
    this.#aborted = true;
    this.hardCancel(reason);
    this.requestExit('detach', reason);
  }

  #notify(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Waits for a wake, or for the earliest approval expiry (approval-expiry-wait.ts), which wakes it. */
  #waitOrExpiry(): Promise<void> {
    return waitOrApprovalExpiry(this.ctx, this.entry, this.#wait(), () => {
      this.#woken = true;
      this.#notify();
    });
  }

  async #sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    await this.ctx.clock.sleep(ms, this.#exitSignal.signal).catch(() => undefined);
  }

  /** After a setback, back off; with no back-off configured, still yield to the event loop (never spin). */
  async #backOff(ms: number): Promise<void> {
    if (ms > 0) await this.#sleep(ms);
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async #main(): Promise<void> {
    let crash: string | null = null;
    try {
      while (this.#exit === null) {
        if (!this.#woken) await this.#waitOrExpiry();
        if (this.#exit !== null) break;
        this.#woken = false;
        await this.#drain();
      }
    } catch (error: unknown) {
      crash = toError(error).message;
      this.#crash = crash;
      this.ctx.log.error('runtime loop crashed', { sessionId: this.entry.sessionId, error: crash });
    } finally {
      const exit =
        crash !== null
          ? { kind: 'crash' as const, reason: crash }
          : (this.#exit ?? { kind: 'detach' as const, reason: 'exit' });
      this.state = 'stopped';
      if (!this.#aborted) {
        await this.onExit(this, exit).catch((error: unknown) =>
          this.ctx.log.error('runtime loop exit failed', {
            sessionId: this.entry.sessionId,
            error: toError(error).message,
          }),
        );
      }
    }
  }

  async #drain(): Promise<void> {
    const { ctx, entry } = this;
    while (this.#exit === null) {
      // A synchronous read of the ledger: no gate needed, nothing can interleave with it.
      await this.#sleep(debounceWait(ctx, entry));
      if (this.#exit !== null) return;
      let started;
      try {
        started = await ctx.gate.with(entry.sessionId, () => startBatch(ctx, entry, this));
      } catch (error: unknown) {
        // Expiring inputs needs a store write; a store outage must not kill the loop. Back off and retry.
        ctx.log.warn('could not start a batch', {
          sessionId: entry.sessionId,
          error: toError(error).message,
        });
        await this.#backOff(ctx.options.retryBackoffMs.max);
        continue;
      }
      if (started === null) return;
      if (this.#exit !== null) {
        // Asked to exit while the batch was being staged: never start a new turn. Its inputs go back
        // to the front of their lanes (if the store refuses, it shows them staged: recovery requeues).
        await ctx.gate
          .with(entry.sessionId, () => rollbackRun(ctx, entry, started.runId))
          .catch((error: unknown) =>
            ctx.log.warn('could not roll back a batch staged before the loop exited', {
              sessionId: entry.sessionId,
              error: toError(error).message,
            }),
          );
        return;
      }
      const controller = new AbortController();
      if (this.#escalation !== null) controller.abort(this.#escalation);
      this.#run = controller;
      let outcome;
      try {
        outcome = await executeRun(ctx, entry, this.executor, started, controller);
      } finally {
        this.#run = null;
      }
      if (this.#aborted) return;
      const finished = await ctx.gate.with(entry.sessionId, () =>
        finishBatch(ctx, entry, this, started, outcome),
      );
      if (!(await this.#after(finished))) return;
    }
  }

  /** Acts on a finished turn; false when the loop must exit. */
  async #after(finished: FinishResult): Promise<boolean> {
    switch (finished.next) {
      case 'exit':
        this.requestExit('detach', finished.reason);
        return false;
      case 'continue':
        if (finished.setback) await this.#backOff(finished.backoffMs);
        return true;
      case 'retry':
        await this.#backOff(finished.backoffMs);
        return this.#retry(finished.runId, finished.detach);
    }
  }

  /**
   * Retries, with back-off and outside the gate (control operations and unregister go on meanwhile),
   * the write a setback left pending: the rollback of `runId`, or detaching the executor (`detach` is
   * the reason). True when the loop may go on; false when it must exit (asked to, fenced, detached).
   */
  async #retry(runId: string, detach: string | null): Promise<boolean> {
    const { ctx, entry } = this;
    for (;;) {
      if (this.#exit !== null || !isCurrent(ctx, entry) || entry.loop !== this) return false;
      try {
        if (detach === null) {
          await ctx.gate.with(entry.sessionId, () => rollbackRun(ctx, entry, runId));
          return true;
        }
        await ctx.gate.with(entry.sessionId, () => detachExecutor(ctx, entry, detach));
        this.requestExit('detach', detach);
        return false;
      } catch (error: unknown) {
        if (isBurrowError(error, 'fenced')) return false;
        ctx.log.warn('a pending rollback or detach failed again; will retry', {
          sessionId: entry.sessionId,
          runId,
          error: toError(error).message,
        });
        await this.#backOff(ctx.options.retryBackoffMs.max);
      }
    }
  }
}
