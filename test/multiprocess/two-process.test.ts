// Two processes on one SQLite file (04): ownership rows with leases and fence tokens make each session
// run in exactly one of them.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { forwardStderr } from '../support/child-output.js';

const CHILD = fileURLToPath(new URL('./owner-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SESSIONS = 24;

interface Report {
  readonly pid: number;
  readonly owned: readonly string[];
  readonly refused: readonly string[];
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function startChild(
  database: string,
  sideFile: string,
  startAt: number,
  order: 'ascending' | 'descending',
) {
  const child = spawn(
    process.execPath,
    ['--import', TSX, CHILD, database, sideFile, String(SESSIONS), String(startAt), order],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  forwardStderr(child);
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode !== null
        ? resolve(null)
        : child.once('exit', resolve),
    );
  });
  const report = new Promise<Report>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) =>
      resolve(JSON.parse(line) as Report),
    );
    child.once('exit', (code) =>
      reject(new Error(`owner child exited with ${code} before reporting`)),
    );
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { report, release: () => child.stdin.end('go\n'), exited };
}

describe('two processes on one database file', () => {
  it('runs each session in exactly one process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-two-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const database = join(dir, 'shared.db');
    const sideFile = join(dir, 'runs.log');
    await writeFile(sideFile, '');
    // Create the schema once, so both children only open it.
    await (await openSqliteStore(database)).close();
    const startAt = Date.now() + 3_000;
    const a = startChild(database, sideFile, startAt, 'ascending');
    const b = startChild(database, sideFile, startAt, 'descending');
    const [ra, rb] = await Promise.all([a.report, b.report]);
    a.release();
    b.release();
    // Which process won which sessions depends on timing; both outcomes must partition the sessions.
    process.stderr.write(`two-process split: ${ra.owned.length} and ${rb.owned.length} sessions\n`);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    const all = Array.from({ length: SESSIONS }, (_, i) => `s${i}`);
    // Every session is owned by one process and refused (fenced) by the other.
    expect([...ra.owned, ...rb.owned].sort()).toEqual([...all].sort());
    expect(ra.owned.filter((s) => rb.owned.includes(s))).toEqual([]);
    expect([...ra.refused].sort()).toEqual([...rb.owned].sort());
    expect([...rb.refused].sort()).toEqual([...ra.owned].sort());

    // Every run of a session came from the process that owns it, and every turn ran exactly once.
    const runs = (await readFile(sideFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    const owner = new Map<string, number>([
      ...ra.owned.map((s) => [s, ra.pid] as const),
      ...rb.owned.map((s) => [s, rb.pid] as const),
    ]);
    for (const [pid, session] of runs) expect(Number(pid)).toBe(owner.get(session as string));
    expect(runs).toHaveLength(SESSIONS * 3);
    expect(new Set(runs.map((r) => r[2])).size).toBe(runs.length);
  }, 60_000);
});
