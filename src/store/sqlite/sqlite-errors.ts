// Turns whatever better-sqlite3 throws into the store's BurrowErrors, in one place.

import Database from 'better-sqlite3';
import { BurrowError, isBurrowError } from '../../core/errors.js';
import { storeUnavailable } from '../store-errors.js';

/**
 * The `BurrowError` for `error` thrown during `operation`: BurrowErrors pass through (checks,
 * codecs); a constraint violation is a batch that collides with stored keys (`internal`, a caller
 * bug that the explicit checks should have named first); every other failure — busy past the
 * timeout, I/O, disk full, a closed connection — is `store_unavailable`.
 */
export function toStoreError(operation: string, error: unknown): BurrowError {
  if (isBurrowError(error)) return error;
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
    return new BurrowError(
      'internal',
      `sqlite: ${operation} conflicts with stored keys: ${error.message}`,
      {},
      {
        cause: error,
      },
    );
  }
  return storeUnavailable('sqlite', operation, error);
}
