// The PostgreSQL store's readiness probe: a real write, read back.

import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { BurrowError } from '../../core/errors.js';
import type { PgSchema } from './pg-schema.js';

/**
 * Overwrites the probe row with a fresh token and reads it back in the same statement: a database
 * that refuses writes (a read-only standby after a failover, `default_transaction_read_only`) or
 * loses them fails here, so `/readyz` says so before clients see 503s on every write.
 */
export async function probeWriteAndRead(pool: Pool, schema: PgSchema): Promise<void> {
  const token = randomUUID();
  const result = await pool.query<{ token: string }>(
    `INSERT INTO ${schema.readinessProbe} (id, token) VALUES (1, $1)
     ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token
     RETURNING token`,
    [token],
  );
  if (result.rows[0]?.token !== token) {
    throw new BurrowError('store_unavailable', `${schema.name}: the probe row did not read back`);
  }
}
