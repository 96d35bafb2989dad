// `burrow doctor`: runs the checks, prints a table (or JSON), exits 1 when a required check fails.

import type { Client as PgClient } from 'pg';
import { toError } from '../core/errors.js';
import { PG_SCHEMA_VERSION } from '../store/postgres/pg-migrations.js';
import { DEFAULT_PG_SCHEMA } from '../store/postgres/pg-schema.js';
import type { CliIo } from './cli-io.js';
import type { CliEnv } from './config.js';
import { ConfigError, DEFAULTS, resolvePgSchema, resolvePostgresUrl } from './config.js';
import {
  checkAiSdk,
  checkDatabaseDirectory,
  checkDatabaseFile,
  checkNode,
  checkOpenAiEnv,
  checkSqliteDriver,
  type CheckResult,
} from './doctor-checks.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { formatTable } from './text-table.js';

/** How long the PostgreSQL check waits for a connection. */
const PG_TIMEOUT_MS = 5000;

/** Hides the password of a connection URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Connects with `pg` (when installed) and asks for the server's version. Required once a URL is given. */
export async function checkPostgres(
  url: string | null,
  schema: string = DEFAULT_PG_SCHEMA,
): Promise<CheckResult> {
  const name = 'postgresql';
  if (url === null) {
    return {
      name,
      status: 'skip',
      required: false,
      detail: 'no --pg, BURROW_PG_URL or DATABASE_URL',
    };
  }
  const shown = redactUrl(url);
  let Client: typeof PgClient;
  try {
    Client = (await import('pg')).default.Client;
  } catch {
    return {
      name,
      status: 'fail',
      required: true,
      detail: `${shown}: pg is not installed (npm install pg)`,
    };
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PG_TIMEOUT_MS });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    const version = result.rows[0]?.server_version ?? 'unknown';
    const found = await checkPgSchema(client, schema);
    return {
      name,
      status: found.ok ? 'ok' : 'fail',
      required: true,
      detail: `${shown}: PostgreSQL ${version}, ${found.detail}`,
    };
  } catch (error: unknown) {
    return { name, status: 'fail', required: true, detail: `${shown}: ${toError(error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Reads the schema version of Burrow's schema without changing anything: missing or older is fine
 * (`burrow serve --pg` creates or migrates it), newer than this build is a failure (this build
 * refuses to run on it).
 */
async function checkPgSchema(
  client: PgClient,
  schema: string,
): Promise<{ ok: boolean; detail: string }> {
  const table = await client.query<{ found: string | null }>(
    'SELECT to_regclass($1)::text AS found',
    [`"${schema}".schema_version`],
  );
  if (table.rows[0]?.found == null) {
    return { ok: true, detail: `schema ${schema} not created yet (burrow serve --pg creates it)` };
  }
  const row = await client.query<{ version: number | null }>(
    `SELECT MAX(version) AS version FROM "${schema}".schema_version`,
  );
  const current = row.rows[0]?.version ?? 0;
  if (current > PG_SCHEMA_VERSION) {
    return {
      ok: false,
      detail: `schema ${schema} v${current} is newer than this build (v${PG_SCHEMA_VERSION}): upgrade burrow`,
    };
  }
  return current === PG_SCHEMA_VERSION
    ? { ok: true, detail: `schema ${schema} v${current}` }
    : {
        ok: true,
        detail: `schema ${schema} v${current} (burrow serve --pg migrates it to v${PG_SCHEMA_VERSION})`,
      };
}

/** Runs every check in order. */
export async function runChecks(options: {
  readonly db: string;
  readonly pgUrl: string | null;
  readonly pgSchema?: string;
  readonly env: CliEnv;
}): Promise<CheckResult[]> {
  return [
    checkNode(),
    await checkSqliteDriver(),
    await checkDatabaseDirectory(options.db),
    await checkDatabaseFile(options.db),
    await checkAiSdk(),
    checkOpenAiEnv({
      baseUrl: options.env.OPENAI_BASE_URL?.trim() || null,
      apiKey: options.env.OPENAI_API_KEY?.trim() || null,
      model: options.env.BURROW_MODEL?.trim() || null,
    }),
    await checkPostgres(options.pgUrl, options.pgSchema),
  ];
}

/** `burrow doctor [--db path] [--pg url] [--pg-schema name] [--json]`. */
export async function runDoctor(
  flags: {
    readonly db?: string;
    readonly pg?: string;
    readonly pgSchema?: string;
    readonly json?: boolean;
  },
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const db = flags.db ?? deps.env.BURROW_DB ?? DEFAULTS.db;
  const issues: string[] = [];
  const pgSchema = resolvePgSchema(flags.pgSchema, deps.env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  const checks = await runChecks({
    db,
    pgUrl: resolvePostgresUrl(flags.pg, deps.env),
    pgSchema,
    env: deps.env,
  });
  const failed = checks.filter((c) => c.required && c.status === 'fail');
  if (flags.json === true) {
    deps.io.out(JSON.stringify({ ok: failed.length === 0, checks }));
  } else {
    deps.io.out(
      formatTable(
        ['check', 'status', 'detail'],
        checks.map((c) => [c.name, c.status, c.detail]),
      ),
    );
    deps.io.out(
      failed.length === 0
        ? '\nall required checks passed'
        : `\n${failed.length} required check${failed.length === 1 ? '' : 's'} failed: ${failed.map((c) => c.name).join(', ')}`,
    );
  }
  return failed.length === 0 ? EXIT.ok : EXIT.failure;
}
