// A FIFO chain of async work: each piece starts after every earlier one settled, and a failure does
// not break the chain (the caller of that piece gets the rejection).

/**
 * Runs async work one piece at a time, in call order.
 *
 * @example
 * const chain = new SerialChain();
 * void chain.run(async () => first()); // second() starts after first() settled
 * await chain.run(async () => second());
 */
export class SerialChain {
  #tail: Promise<unknown> = Promise.resolve();
  #used = false;

  /** Whether any work was ever queued. */
  get used(): boolean {
    return this.#used;
  }

  /** Runs `work` after every earlier piece settled (FIFO); a failure does not break the chain. */
  run<T>(work: () => Promise<T>): Promise<T> {
    this.#used = true;
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
