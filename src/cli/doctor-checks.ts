// The checks of `burrow doctor`: each one a small async function that reports ok, warn, fail or skip.

import { access, constants, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { toError } from '../core/errors.js';
import type { OpenAiSettings } from './config.js';
import { missingOpenAiVariables } from './config.js';

/** The result of one check. A `fail` of a `required` check makes `doctor` exit 1. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly required: boolean;
  readonly detail: string;
}

const ok = (name: string, detail: string, required = true): CheckResult => ({
  name,
  status: 'ok',
  required,
  detail,
});
const fail = (name: string, detail: string, required = true): CheckResult => ({
  name,
  status: 'fail',
  required,
  detail,
});

/** Node.js 20 or newer. */
export function checkNode(version: string = process.versions.node): CheckResult {
  const major = Number(version.split('.')[0]);
  return major >= 20
    ? ok('node', `Node.js ${version}`)
    : fail('node', `Node.js ${version}; Burrow needs 20 or newer`);
}

/** better-sqlite3 loads and opens an in-memory database. */
export async function checkSqliteDriver(): Promise<CheckResult> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    try {
      const version = db.prepare('SELECT sqlite_version() AS v').pluck().get();
      return ok('better-sqlite3', `loads; SQLite ${String(version)}`);
    } finally {
      db.close();
    }
  } catch (error: unknown) {
    return fail('better-sqlite3', `does not load: ${toError(error).message}`);
  }
}

async function exists(path: string): Promise<'file' | 'directory' | 'other' | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
  } catch {
    return null;
  }
}

/** The database's directory is writable (or the nearest existing parent is, so serve can create it). */
export async function checkDatabaseDirectory(dbPath: string): Promise<CheckResult> {
  const name = 'database directory';
  const dir = dirname(resolve(dbPath));
  let probe = dir;
  while ((await exists(probe)) === null && dirname(probe) !== probe) probe = dirname(probe);
  const kind = await exists(probe);
  if (kind !== 'directory') return fail(name, `${probe} is not a directory`);
  try {
    await access(probe, constants.W_OK);
  } catch {
    return fail(name, `${probe} is not writable`);
  }
  return ok(name, probe === dir ? `${dir} is writable` : `${dir} will be created (in ${probe})`);
}

/** The database file opens with the store (migrated, WAL); when absent, SQLite can create one there. */
export async function checkDatabaseFile(dbPath: string): Promise<CheckResult> {
  const name = 'database file';
  const path = resolve(dbPath);
  const kind = await exists(path);
  try {
    const { openSqliteStore } = await import('../store/sqlite/sqlite-store.js');
    if (kind === 'file') {
      const store = await openSqliteStore(path);
      try {
        const s = store.settings();
        const recoverable = (await store.listRecoverable()).length;
        return ok(
          name,
          `${path}: journal ${s.journalMode}, synchronous ${s.synchronous}, schema v${s.schemaVersion}, ` +
            `${recoverable} recoverable session${recoverable === 1 ? '' : 's'}`,
        );
      } finally {
        await store.close();
      }
    }
    if (kind !== null) return fail(name, `${path} exists but is not a file`);
    if ((await exists(dirname(path))) !== 'directory') {
      return ok(name, `${path} does not exist yet (burrow serve creates it)`);
    }
    const scratch = await mkdtemp(join(dirname(path), '.burrow-doctor-'));
    try {
      await (await openSqliteStore(join(scratch, 'probe.db'))).close();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    return ok(name, `${path} does not exist yet; a database can be created there`);
  } catch (error: unknown) {
    return fail(name, `${path} does not open: ${toError(error).message}`);
  }
}

/** The optional AI SDK packages of `--executor openai-compatible`. */
export async function checkAiSdk(): Promise<CheckResult> {
  const name = 'AI SDK (optional)';
  try {
    await import('ai');
    await import('@ai-sdk/openai-compatible');
    return ok(
      name,
      'ai and @ai-sdk/openai-compatible load (--executor openai-compatible works)',
      false,
    );
  } catch {
    return {
      name,
      status: 'warn',
      required: false,
      detail:
        'not installed; needed only for --executor openai-compatible: npm install ai@6 @ai-sdk/openai-compatible@2',
    };
  }
}

/** The OpenAI-compatible endpoint variables: all set, some missing, or none (not in use). */
export function checkOpenAiEnv(openai: OpenAiSettings): CheckResult {
  const name = 'openai-compatible env (optional)';
  const missing = missingOpenAiVariables(openai);
  if (missing.length === 3)
    return { name, status: 'skip', required: false, detail: 'not configured' };
  if (missing.length > 0) {
    return { name, status: 'warn', required: false, detail: `missing ${missing.join(', ')}` };
  }
  return ok(name, `model ${openai.model ?? ''} at ${openai.baseUrl ?? ''}`, false);
}
