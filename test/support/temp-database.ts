// Test support: database files in fresh temporary directories, removed after each test, and the code
// of the BurrowError an operation refuses with.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';

const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A path `runtime.db` in a new directory named after `prefix`; the directory goes after the test. */
export async function databaseFile(prefix = 'burrow-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return join(dir, 'runtime.db');
}

/** The code of the BurrowError `work` rejects with, or `no error` (anything else is rethrown). */
export async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error: unknown) {
    if (isBurrowError(error)) return error.code;
    throw error;
  }
  return 'no error';
}
