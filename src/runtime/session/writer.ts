// The write queue of one session: its commit batches reach the store one write at a time, in the
// order they were computed, and accepts computed while a write was in flight share the next one
// (group commit within a session).
//
// Two kinds of batch go through it. A batch written *after* install is the ordinary one: memory
// changes only once it landed (commit.ts, `commitChange`). A batch written *ahead* of durability is
// an accept already installed in memory so that the accepts behind it could be computed on top of it
// (`commitAhead`): its caller is answered, its events published and its effects performed only once
// its write landed. Consecutive ahead batches are merged into one store commit, so they land or fail
// together. When a write that carries ahead batches fails, memory is ahead of the store: every batch
// queued behind it fails too (each was computed on that state) and the writer is broken; `onBroken`
// then drops the session from memory, and the next operation loads it again from the store.

import type { CommitBatch } from '../../store/runtime-store.js';
import { mergeBatches } from './merge-batches.js';

interface Queued {
  readonly batch: CommitBatch;
  readonly ahead: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Where the writer's batches go, and what it does when memory got ahead of a failed write. */
export interface WriterTarget {
  /** Writes one batch in one store transaction (errors already mapped to the runtime's codes). */
  write(batch: CommitBatch): Promise<void>;
  /** A write that carried installed-ahead batches failed with `error`: memory is ahead of the store. */
  onBroken(error: Error): void;
  /** Nothing is queued or in flight any more (the session may let the writer go). */
  onIdle(): void;
}

/** The ordered writes of one session (see the header comment). */
export class SessionWriter {
  #queue: Queued[] = [];
  #busy = false;
  #broken: Error | null = null;
  /** Settles when everything submitted so far has landed (or failed). */
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly target: WriterTarget) {}

  /** True while a write is in flight or about to start. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Queues `batch` behind every batch submitted before it; resolves once it is durable. `ahead` says
   * that its change is already installed in memory (see the header comment).
   */
  submit(batch: CommitBatch, ahead: boolean): Promise<void> {
    if (this.#broken !== null) return Promise.reject(this.#broken);
    const landed = new Promise<void>((resolve, reject) => {
      this.#queue.push({ batch, ahead, resolve, reject });
    });
    this.#tail = landed.catch(() => undefined);
    if (this.#busy) return landed;
    this.#busy = true;
    // An ahead batch is written on the next turn of the event loop: the accepts already waiting for
    // the gate are computed by then and share its write instead of queueing behind it.
    if (ahead) setImmediate(() => this.#pump());
    else this.#pump();
    return landed;
  }

  /**
   * Resolves once every batch submitted so far landed; rejects when one of them failed after memory
   * got ahead of it. An answer read from memory while ahead writes are in flight waits for this.
   */
  async settled(): Promise<void> {
    await this.#tail;
    if (this.#broken !== null) throw this.#broken;
  }

  #pump(): void {
    const first = this.#queue[0];
    if (first === undefined) {
      this.#busy = false;
      this.target.onIdle();
      return;
    }
    // Consecutive ahead batches share one write; a batch written after install goes alone.
    let count = 1;
    if (first.ahead) while (this.#queue[count]?.ahead === true) count += 1;
    const taken = this.#queue.splice(0, count);
    this.#busy = true;
    const batch = count === 1 ? first.batch : mergeBatches(taken.map((item) => item.batch));
    this.target.write(batch).then(
      () => {
        for (const item of taken) item.resolve();
        this.#pump();
      },
      (error: unknown) =>
        this.#failed(taken, error instanceof Error ? error : new Error(String(error))),
    );
  }

  #failed(taken: readonly Queued[], error: Error): void {
    if (!taken.some((item) => item.ahead)) {
      // Memory never saw this change: it fails alone (nothing is computed on top of an unwritten
      // ordinary batch, since its caller holds the gate until it lands).
      for (const item of taken) item.reject(error);
      this.#pump();
      return;
    }
    this.#broken = error;
    const behind = this.#queue.splice(0);
    this.#busy = false;
    for (const item of [...taken, ...behind]) item.reject(error);
    this.target.onBroken(error);
  }
}
