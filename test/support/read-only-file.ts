// Makes a file that this process cannot write, also when the tests run as root (as in CI), where
// permission bits do not stop a write: root gets the immutable attribute (chattr +i) instead.

import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

const asRoot = process.getuid?.() === 0;

/** Makes `path` unwritable; returns the undo (which must run before the file can be removed). */
export function makeReadOnly(path: string): () => void {
  if (asRoot) {
    execFileSync('chattr', ['+i', path]);
    return () => execFileSync('chattr', ['-i', path]);
  }
  chmodSync(path, 0o444);
  return () => chmodSync(path, 0o644);
}
