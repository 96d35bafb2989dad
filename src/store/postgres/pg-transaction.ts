// One helper for "BEGIN, work, COMMIT, or ROLLBACK" on a pooled connection.

import type { Pool, PoolClient } from 'pg';
import { toError } from '../../core/errors.js';

/**
 * Runs `work` in a transaction on a connection of `pool`: COMMIT when it resolves, ROLLBACK when it
 * throws (and rethrows). A connection whose ROLLBACK failed is destroyed instead of going back to
 * the pool, since it may still be inside the failed transaction; so is one the server closed.
 */
export async function withTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out connection that the server closes emits 'error' once its query has failed; the
  // pool listens only to idle connections, and an unheard 'error' would crash the process.
  const onError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e: unknown) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = toError(rollbackError);
    });
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
