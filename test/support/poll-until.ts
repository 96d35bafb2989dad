// Waiting for a condition in process tests: poll it every 50 ms, fail with what was awaited.

import { setTimeout as delay } from 'node:timers/promises';

/** Polls `check` every 50 ms until it holds; throws naming `what` after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(50);
  }
}
