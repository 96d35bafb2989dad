// The store `burrow serve` runs on: PostgreSQL when a URL is set, else the SQLite file, each loaded
// only when chosen so that a missing driver is a clear error.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { toError } from '../core/errors.js';
import type { RuntimeStore } from '../store/runtime-store.js';
import type * as PostgresStoreModule from '../store/postgres/postgres-store.js';
import type * as SqliteStoreModule from '../store/sqlite/sqlite-store.js';
import type { ServeConfig } from './config.js';
import { redactUrl } from './doctor-command.js';
import { CliError, EXIT } from './exit-codes.js';

/** The store `serve` runs on, and how to name it to the operator. */
export interface OpenedStore {
  readonly store: RuntimeStore;
  /** `SQLite <path>` or `PostgreSQL <url without password> (schema burrow)`. */
  readonly description: string;
  /** The SQLite path or the redacted PostgreSQL URL (the `db` of the JSON `listening` line). */
  readonly location: string;
}

/** Opens the PostgreSQL store, loading pg only now so that its absence is a clear error. */
async function openPgStore(url: string, schema: string): Promise<OpenedStore> {
  let postgres: typeof PostgresStoreModule;
  try {
    postgres = await import('../store/postgres/postgres-store.js');
  } catch (error: unknown) {
    throw new CliError(
      EXIT.usage,
      `burrow serve --pg needs pg@8 (${toError(error).message}): npm install pg@8`,
      {},
      { cause: error },
    );
  }
  const store = await postgres.openPostgresStore(url, {
    schema,
    applicationName: 'burrow serve',
  });
  const location = redactUrl(url);
  return { store, location, description: `PostgreSQL ${location} (schema ${store.schema})` };
}

/** Opens the store of `config`: PostgreSQL when a URL is set, else the SQLite file. */
export async function openStore(config: ServeConfig): Promise<OpenedStore> {
  if (config.pgUrl !== null) return openPgStore(config.pgUrl, config.pgSchema);
  const path = resolve(config.db);
  return { store: await openSqliteFile(path), location: path, description: `SQLite ${path}` };
}

/** Opens the SQLite store, loading better-sqlite3 only now so that its absence is a clear error. */
async function openSqliteFile(path: string): Promise<RuntimeStore> {
  await mkdir(dirname(path), { recursive: true });
  let sqlite: typeof SqliteStoreModule;
  try {
    sqlite = await import('../store/sqlite/sqlite-store.js');
  } catch (error: unknown) {
    throw new CliError(
      EXIT.usage,
      `burrow serve needs better-sqlite3@12 (${toError(error).message}): npm install better-sqlite3@12`,
      {},
      { cause: error },
    );
  }
  try {
    return await sqlite.openSqliteStore(path);
  } catch (error: unknown) {
    // A database this process cannot write (read-only file or directory, full disk, a newer schema)
    // must stop the start, not turn every later write into a 503.
    throw new CliError(
      EXIT.usage,
      `burrow serve cannot use the database ${path}: ${toError(error).message}`,
      {},
      { cause: error },
    );
  }
}
