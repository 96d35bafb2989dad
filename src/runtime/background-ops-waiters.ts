// The open `waitAll` barriers of one session: each settles when its last operation becomes terminal,
// or rejects with `signal.reason` when its signal aborts.

import { isTerminalOpStatus } from '../core/ops-lifecycle-kinds.js';
import type { Operation, OpsState } from '../core/ops-lifecycle-state.js';
import { findOperation } from '../core/ops-lifecycle-state.js';
import { onAbort } from '../core/abort.js';

interface Barrier {
  readonly ids: readonly string[];
  readonly resolve: (operations: Operation[]) => void;
  readonly cleanup: () => void;
}

/** The operations `ids` name, in order (every id is known: the caller checked). */
function operationsOf(state: OpsState, ids: readonly string[]): Operation[] {
  return ids.flatMap((id) => {
    const op = findOperation(state, id);
    return op === undefined ? [] : [op];
  });
}

/** Barriers waiting on operations; `check` is called after every installed step. */
export class OpsBarriers {
  readonly #barriers = new Set<Barrier>();

  /**
   * Waits until every operation in `ids` is terminal in a state passed to {@link check}. Rejects with
   * `signal.reason` on abort; the abort listener is removed in one place whichever way it ends.
   */
  wait(ids: readonly string[], signal?: AbortSignal): Promise<Operation[]> {
    return new Promise<Operation[]>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const barrier: Barrier = {
        ids,
        resolve: (operations) => {
          barrier.cleanup();
          resolve(operations);
        },
        cleanup: () => {
          this.#barriers.delete(barrier);
          stopListening();
        },
      };
      this.#barriers.add(barrier);
      const stopListening = onAbort(signal, (reason) => {
        barrier.cleanup();
        reject(reason);
      });
    });
  }

  /** Settles every barrier whose operations are all terminal in `state`. */
  check(state: OpsState): void {
    for (const barrier of [...this.#barriers]) {
      const operations = operationsOf(state, barrier.ids);
      if (
        operations.length === barrier.ids.length &&
        operations.every((op) => isTerminalOpStatus(op.status))
      )
        barrier.resolve(operations);
    }
  }

  /** Open barriers (a leak check: zero once every waited operation ended). */
  get size(): number {
    return this.#barriers.size;
  }
}
