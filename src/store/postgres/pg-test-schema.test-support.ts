// Test support: the PostgreSQL URL of the test run, and a fresh schema per test, dropped afterwards.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { toError } from '../../core/errors.js';

/**
 * The PostgreSQL URL the tests use (`BURROW_TEST_PG_URL`), or null when it is unset. With
 * `BURROW_REQUIRE_PG=1` (CI) an unset URL throws: PostgreSQL tests may not be skipped there.
 */
export function testPgUrl(): string | null {
  const url = process.env['BURROW_TEST_PG_URL']?.trim();
  if (url !== undefined && url !== '') return url;
  if (process.env['BURROW_REQUIRE_PG'] === '1') {
    throw new Error('BURROW_REQUIRE_PG=1 but BURROW_TEST_PG_URL is not set');
  }
  return null;
}

/**
 * `describe` that runs `body` with the test URL, or registers one skipped block with a one-line
 * message when there is no PostgreSQL (and fails, through {@link testPgUrl}, when it is required).
 */
export function describeWithPg(name: string, body: (url: string) => void): void {
  const url = testPgUrl();
  if (url === null) {
    describe.skip(`${name} (skipped: set BURROW_TEST_PG_URL to run the PostgreSQL tests)`, () => {
      body('postgres://unset');
    });
    return;
  }
  describe(name, () => body(url));
}

/** A schema of its own for one test, and its removal. */
export interface TestSchema {
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * Names a new `burrow_test_<random>` schema (the store creates it), padded with `x` to `length`
 * characters when given, and returns how to drop it.
 */
export function createTestSchema(url: string, length = 0): TestSchema {
  const name = `burrow_test_${randomBytes(6).toString('hex')}`.padEnd(length, 'x');
  return {
    name,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } catch (e: unknown) {
        throw toError(e);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
