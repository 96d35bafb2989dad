// `burrow doctor`: required checks decide the exit code; the database checks use real files.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingIo } from '../../src/cli/cli-io.js';
import { checkPostgres, redactUrl, runDoctor } from '../../src/cli/doctor-command.js';
import { checkNode, checkOpenAiEnv, type CheckResult } from '../../src/cli/doctor-checks.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import pg from 'pg';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/pg-migrations.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-doctor-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function doctor(flags: { db?: string; pg?: string }, env = {}) {
  const io = recordingIo();
  const code = await runDoctor({ ...flags, json: true }, { io, env });
  const report = JSON.parse(io.stdout.join('')) as { ok: boolean; checks: CheckResult[] };
  const check = (name: string): CheckResult | undefined =>
    report.checks.find((c) => c.name === name);
  return { code, report, check };
}

describe('burrow doctor', () => {
  it('passes on this machine with a database that does not exist yet', async () => {
    const { code, report, check } = await doctor({ db: join(dir, 'new', 'runtime.db') });
    expect(code).toBe(EXIT.ok);
    expect(report.ok).toBe(true);
    expect(check('node')?.status).toBe('ok');
    expect(check('better-sqlite3')?.detail).toMatch(/SQLite 3\./);
    expect(check('database directory')?.detail).toMatch(/will be created/);
    expect(check('postgresql')?.status).toBe('skip');
  });

  it('opens an existing database and reports its settings', async () => {
    const db = join(dir, 'runtime.db');
    await (await openSqliteStore(db)).close();
    const { code, check } = await doctor({ db });
    expect(code).toBe(EXIT.ok);
    expect(check('database file')?.detail).toMatch(
      /journal wal, synchronous full, schema v\d+, 0 recoverable sessions/,
    );
  });

  it('fails (exit 1) when the database directory is a file', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const { code, report, check } = await doctor({ db: join(dir, 'plain-file', 'runtime.db') });
    expect(code).toBe(EXIT.failure);
    expect(report.ok).toBe(false);
    expect(check('database directory')).toMatchObject({ status: 'fail', required: true });
  });

  it('fails (exit 1) when a configured PostgreSQL URL does not answer, and hides its password', async () => {
    const url = 'postgres://burrow:hunter2@127.0.0.1:1/burrow';
    const { code, check } = await doctor({ db: join(dir, 'runtime.db') }, { DATABASE_URL: url });
    expect(code).toBe(EXIT.failure);
    expect(check('postgresql')).toMatchObject({ status: 'fail', required: true });
    expect(check('postgresql')?.detail).not.toContain('hunter2');
    expect(redactUrl(url)).toBe('postgres://burrow:***@127.0.0.1:1/burrow');
  });

  it('prints a table and a verdict without --json', async () => {
    const io = recordingIo();
    expect(await runDoctor({ db: join(dir, 'runtime.db') }, { io, env: {} })).toBe(EXIT.ok);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^check\s+status\s+detail/);
    expect(text).toMatch(/all required checks passed/);
  });

  it('refuses Node.js older than 20', () => {
    expect(checkNode('18.19.0')).toMatchObject({ status: 'fail', required: true });
    expect(checkNode('20.0.0').status).toBe('ok');
  });

  it('warns about a half-configured openai-compatible endpoint, naming what is missing', () => {
    expect(
      checkOpenAiEnv({ baseUrl: 'http://127.0.0.1:1/v1', apiKey: null, model: null }),
    ).toMatchObject({
      status: 'warn',
      required: false,
      detail: 'missing OPENAI_API_KEY, BURROW_MODEL',
    });
    expect(checkOpenAiEnv({ baseUrl: null, apiKey: null, model: null }).status).toBe('skip');
  });
});

describeWithPg('burrow doctor --pg', (url) => {
  it('reports the server version and the schema version: missing, current, then newer than this build', async () => {
    const schema = createTestSchema(url);
    try {
      const missing = await checkPostgres(url, schema.name);
      expect(missing).toMatchObject({ status: 'ok', required: true });
      expect(missing.detail).toMatch(/PostgreSQL \d+\.\d+.*not created yet/);
      await (await openPostgresStore(url, { schema: schema.name })).close();
      expect((await checkPostgres(url, schema.name)).detail).toMatch(
        new RegExp(`schema ${schema.name} v${PG_SCHEMA_VERSION}$`),
      );
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(
        `INSERT INTO "${schema.name}".schema_version (version, name) VALUES (7, 'x')`,
      );
      await client.end();
      const newer = await checkPostgres(url, schema.name);
      expect(newer).toMatchObject({ status: 'fail', required: true });
      expect(newer.detail).toMatch(/v7 is newer than this build/);
    } finally {
      await schema.drop();
    }
  });

  it('checks the schema named by --pg-schema, and refuses a name it cannot use (exit 2)', async () => {
    const schema = createTestSchema(url);
    try {
      await (await openPostgresStore(url, { schema: schema.name })).close();
      const { code, check } = await doctor(
        { db: join(dir, 'runtime.db'), pg: url },
        { BURROW_PG_SCHEMA: schema.name },
      );
      expect(code).toBe(EXIT.ok);
      expect(check('postgresql')?.detail).toMatch(
        new RegExp(`schema ${schema.name} v${PG_SCHEMA_VERSION}`),
      );
      await expect(
        runDoctor({ pg: url, pgSchema: 'No-Such' }, { io: recordingIo(), env: {} }),
      ).rejects.toThrow(/--pg-schema/);
    } finally {
      await schema.drop();
    }
  });
});
