// The completion registry: one promise per input id, settled exactly once, shared by every waiter.

import type { InputOutcome } from '../core/ledger/input-record.js';

interface Waiter {
  readonly promise: Promise<InputOutcome>;
  readonly resolve: (outcome: InputOutcome) => void;
}

/**
 * Completions of one session. `wait` returns the same promise to every caller for an input; `settle`
 * resolves it once (later calls are no-ops); `settleAll` resolves every pending one, so that a path
 * that ends a run, a loop or a session never leaves a waiter hanging.
 */
export class CompletionRegistry {
  // Created on first use: most idle sessions never hold a waiter. Settled waiters are forgotten: an
  // input's outcome lives on its ledger record, which callers read first (nothing is retained twice).
  #waiters: Map<string, Waiter> | null = null;

  /** The completion of `inputId`: pending until `settle` (callers answer a known outcome themselves). */
  wait(inputId: string): Promise<InputOutcome> {
    this.#waiters ??= new Map();
    const existing = this.#waiters.get(inputId);
    if (existing !== undefined) return existing.promise;
    let resolve!: (outcome: InputOutcome) => void;
    const promise = new Promise<InputOutcome>((r) => (resolve = r));
    this.#waiters.set(inputId, { promise, resolve });
    return promise;
  }

  /** Settles `inputId` with `outcome` if it is pending; returns true if this call settled it. */
  settle(inputId: string, outcome: InputOutcome): boolean {
    const waiter = this.#waiters?.get(inputId);
    if (waiter === undefined || this.#waiters === null) return false;
    this.#waiters.delete(inputId);
    waiter.resolve(outcome);
    return true;
  }

  /** Settles every pending completion with `outcome`; returns how many it settled. */
  settleAll(outcome: InputOutcome): number {
    const ids = this.pending();
    for (const id of ids) this.settle(id, outcome);
    return ids.length;
  }

  /** Input ids with a pending completion. */
  pending(): string[] {
    return this.#waiters === null ? [] : [...this.#waiters.keys()];
  }
}
