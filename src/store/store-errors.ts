// The BurrowErrors a store throws, built in one place so every store words them the same way.

import { BurrowError } from '../core/errors.js';
import type { FenceToken, RuntimeId } from './runtime-store.js';

/**
 * A batch tried to insert a key that is already stored (a receipt's run id, a transcript index, an
 * event seq, an input's admission seq). This is a bug in the caller, so the code is `internal`; the
 * whole batch was refused and nothing was written.
 */
export function duplicateKey(runtimeId: RuntimeId, what: string): BurrowError {
  return new BurrowError(
    'internal',
    `${runtimeId}: ${what} is already stored; nothing was written`,
  );
}

/** A batch that is inconsistent with what is stored or with itself (a gap, a seq going back). */
export function invalidBatch(runtimeId: RuntimeId, what: string): BurrowError {
  return new BurrowError(
    'internal',
    `${runtimeId}: invalid commit batch: ${what}; nothing was written`,
  );
}

/** A commit whose fence token is not the session's current one: a newer owner holds the lease. */
export function fencedCommit(
  runtimeId: RuntimeId,
  fence: FenceToken,
  stored: FenceToken,
): BurrowError {
  return new BurrowError(
    'fenced',
    `${runtimeId}: commit carries fence token ${fence} but the session's lease is at ${stored}; nothing was written`,
  );
}

/** The store was closed; nothing was read or written. */
export function storeClosed(kind: string): BurrowError {
  return new BurrowError('store_unavailable', `the ${kind} store is closed`);
}

/** The store failed underneath (I/O, lock timeout, disk full, ...); nothing was written. */
export function storeUnavailable(kind: string, operation: string, cause: unknown): BurrowError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new BurrowError(
    'store_unavailable',
    `the ${kind} store failed during ${operation}${detail}`,
    {},
    { cause },
  );
}
