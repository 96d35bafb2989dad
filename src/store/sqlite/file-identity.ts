// The open database must still be the file at its path. SQLite keeps writing to a file (or its WAL)
// that was deleted or replaced while open, and every such write is lost at the next start: commits
// would succeed and acknowledged inputs vanish with no signal. So the store checks, before each write
// transaction and in its readiness probe, that the path and its `-wal` still name the files it opened.

import type { Stats } from 'node:fs';
import { statSync } from 'node:fs';
import { BurrowError } from '../../core/errors.js';

/** Checks that the files a store opened are still the files at their paths. */
export interface FileIdentity {
  /** Throws `store_unavailable` naming the file that was deleted or replaced. */
  check(this: void): void;
}

interface Seen {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

function stat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function lost(path: string, what: string): BurrowError {
  return new BurrowError(
    'store_unavailable',
    `${path} ${what} while the store had it open; nothing more is written (restart on a good file)`,
  );
}

/**
 * Remembers the identity (device and inode) of `path` and of its WAL as they are now, right after
 * the store opened and wrote them. An in-memory database (`:memory:`) has nothing to check.
 *
 * @example
 * const identity = fileIdentity('/var/lib/burrow/runtime.db');
 * identity.check(); // throws store_unavailable once the file was deleted or replaced
 */
export function fileIdentity(path: string): FileIdentity {
  if (path === ':memory:' || path === '') return { check: () => undefined };
  const seen: Seen[] = [];
  for (const file of [path, `${path}-wal`]) {
    const stats = stat(file);
    if (stats !== null) seen.push({ path: file, dev: stats.dev, ino: stats.ino });
  }
  return {
    check() {
      for (const file of seen) {
        const now = stat(file.path);
        if (now === null) throw lost(file.path, 'was deleted');
        if (now.ino !== file.ino || now.dev !== file.dev) throw lost(file.path, 'was replaced');
      }
    },
  };
}
