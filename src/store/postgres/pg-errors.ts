// Turns whatever pg throws into the store's BurrowErrors, in one place.

import { BurrowError, isBurrowError } from '../../core/errors.js';
import { storeUnavailable } from '../store-errors.js';

/** The SQLSTATE of a PostgreSQL error, or null for anything else (a socket error, a timeout). */
export function sqlState(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const { code } = error;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * The `BurrowError` for `error` thrown during `operation`: BurrowErrors pass through (checks,
 * codecs); an integrity-constraint violation (class 23) is a batch that collides with stored keys
 * (`internal`, a caller bug that the explicit checks should have named first); every other failure
 * — connection refused or lost, a deadlock, a statement timeout, the server shutting down — is
 * `store_unavailable`.
 */
export function toStoreError(operation: string, error: unknown): BurrowError {
  if (isBurrowError(error)) return error;
  if (sqlState(error)?.startsWith('23') === true) {
    const message = error instanceof Error ? error.message : String(error);
    return new BurrowError(
      'internal',
      `postgres: ${operation} conflicts with stored keys: ${message}`,
      {},
      { cause: error },
    );
  }
  return storeUnavailable('postgres', operation, error);
}
