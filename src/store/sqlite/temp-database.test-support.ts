// Test support: a fresh temporary directory per SQLite test, removed afterwards.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory with a database path in it, and its removal. */
export interface TempDatabase {
  readonly dir: string;
  readonly path: string;
  remove(): Promise<void>;
}

/** Creates a new temporary directory under the OS temp dir for one SQLite database. */
export async function createTempDatabase(prefix = 'burrow-sqlite-'): Promise<TempDatabase> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    path: join(dir, 'runtime.db'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
