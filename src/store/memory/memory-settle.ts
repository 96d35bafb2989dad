// The memory store answers synchronously but speaks the store's promise API.

import { toError } from '../../core/errors.js';

/** Runs `fn` now and returns its result as a promise (a throw becomes a rejection). */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e: unknown) {
    return Promise.reject(toError(e));
  }
}
