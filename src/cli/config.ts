// The CLI's typed configuration: flags, then environment, then defaults — one place that decides every value.

import { parseDuration } from '../core/duration.js';
import { isLoopbackHost } from '../server/loopback.js';
import { isPgSchemaName, PG_SCHEMA_NAME_MAX } from '../store/postgres/pg-schema.js';
import type { OwnershipFlags, OwnershipSettings } from './ownership-config.js';
import { resolveOwnership } from './ownership-config.js';
import { integer, oneOf, pick, rawToken } from './config-values.js';

/** The executors `burrow serve` can run. */
export const EXECUTOR_NAMES = ['echo', 'scripted', 'openai-compatible'] as const;
/** One of {@link EXECUTOR_NAMES}. */
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** pino's levels, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The defaults, documented in docs/cli.md and the README. */
export const DEFAULTS = {
  db: './.burrow/runtime.db',
  host: '127.0.0.1',
  port: 7420,
  executor: 'echo',
  logLevel: 'warn',
  url: 'http://127.0.0.1:7420',
  scriptedStepMs: 4000,
  drainTimeout: '20s',
  pgSchema: 'burrow',
} as const satisfies {
  db: string;
  host: string;
  port: number;
  executor: ExecutorName;
  logLevel: LogLevel;
  url: string;
  scriptedStepMs: number;
  drainTimeout: string;
  pgSchema: string;
};

/** The environment variables the CLI reads. */
export const ENV_NAMES = [
  'BURROW_DB',
  'BURROW_PORT',
  'BURROW_HOST',
  'BURROW_TOKEN',
  'BURROW_EXECUTOR',
  'BURROW_URL',
  'BURROW_LOG_LEVEL',
  'BURROW_SCRIPTED_STEP_MS',
  'BURROW_DRAIN_TIMEOUT',
  'BURROW_PG_URL',
  'BURROW_PG_SCHEMA',
  'BURROW_HOST_ID',
  'BURROW_LEASE_TTL',
  'BURROW_SWEEP_INTERVAL',
  'OPENAI_BASE_URL',
  'OPENAI_API_KEY',
  'BURROW_MODEL',
  'DATABASE_URL',
] as const;

/** The environment as the CLI sees it (a subset of `process.env`). */
export type CliEnv = Readonly<Partial<Record<(typeof ENV_NAMES)[number], string>>>;

/** Thrown when flags or environment are invalid; the CLI exits 2 and prints every issue. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly string[]) {
    super(issues.join('; '));
  }
}

/** `burrow serve` flags as commander parses them (absent when not given). */
export interface ServeFlags extends OwnershipFlags {
  readonly db?: string;
  readonly pg?: string;
  readonly pgSchema?: string;
  readonly host?: string;
  readonly port?: string;
  readonly executor?: string;
  readonly exampleTools?: boolean;
  readonly token?: string;
  readonly logLevel?: string;
  readonly json?: boolean;
  readonly stepMs?: string;
  readonly drainTimeout?: string;
}

/** The endpoint of `--executor openai-compatible` (values as read; checked when the executor is built). */
export interface OpenAiSettings {
  readonly baseUrl: string | null;
  readonly apiKey: string | null;
  readonly model: string | null;
}

/** Everything `burrow serve` needs. */
export interface ServeConfig {
  readonly db: string;
  /** The PostgreSQL URL to run on instead of the SQLite file `db`, or null. */
  readonly pgUrl: string | null;
  /** The schema of Burrow's tables in that database (default `burrow`). */
  readonly pgSchema: string;
  readonly host: string;
  readonly port: number;
  readonly executor: ExecutorName;
  readonly exampleTools: boolean;
  readonly token: string | null;
  readonly logLevel: LogLevel;
  readonly json: boolean;
  /** Per-step delay of `--executor scripted` turns (3 steps each). */
  readonly scriptedStepMs: number;
  /** After the first signal, turns still running after this long are rolled back (ms). */
  readonly drainTimeoutMs: number;
  readonly openai: OpenAiSettings;
  /** Host id, lease time to live and sweep interval (several hosts on one PostgreSQL). */
  readonly ownership: OwnershipSettings;
}

/** Resolves `burrow serve`'s configuration; throws one {@link ConfigError} listing every issue. */
export function resolveServeConfig(flags: ServeFlags, env: CliEnv): ServeConfig {
  const issues: string[] = [];
  const host = pick(flags.host, env.BURROW_HOST) ?? DEFAULTS.host;
  const port = integer(
    pick(flags.port, env.BURROW_PORT),
    { min: 0, max: 65_535, fallback: DEFAULTS.port },
    'the port (--port, BURROW_PORT)',
    issues,
  );
  const executor = oneOf(
    pick(flags.executor, env.BURROW_EXECUTOR),
    EXECUTOR_NAMES,
    DEFAULTS.executor,
    'the executor (--executor, BURROW_EXECUTOR)',
    issues,
  );
  const logLevel = oneOf(
    pick(flags.logLevel, env.BURROW_LOG_LEVEL),
    LOG_LEVELS,
    DEFAULTS.logLevel,
    'the log level (--log-level, BURROW_LOG_LEVEL)',
    issues,
  );
  const scriptedStepMs = integer(
    pick(flags.stepMs, env.BURROW_SCRIPTED_STEP_MS),
    { min: 0, max: 3_600_000, fallback: DEFAULTS.scriptedStepMs },
    'the scripted step delay (--step-ms, BURROW_SCRIPTED_STEP_MS)',
    issues,
  );
  const drainText = pick(flags.drainTimeout, env.BURROW_DRAIN_TIMEOUT) ?? DEFAULTS.drainTimeout;
  const drainTimeoutMs = parseDuration(drainText);
  if (drainTimeoutMs === null) {
    issues.push(
      `the drain timeout (--drain-timeout, BURROW_DRAIN_TIMEOUT) must be a duration such as 20s, 1500ms or 2m (got ${drainText})`,
    );
  }
  const pgUrl = pick(flags.pg, env.BURROW_PG_URL) ?? null;
  if (pgUrl !== null && !/^postgres(ql)?:\/\//.test(pgUrl)) {
    issues.push(
      `the PostgreSQL URL (--pg, BURROW_PG_URL) must start with postgres:// or postgresql:// (got ${pgUrl.slice(0, 12)}...)`,
    );
  }
  const pgSchema = resolvePgSchema(flags.pgSchema, env, issues);
  const ownership = resolveOwnership(flags, env, issues);
  const token = rawToken(flags.token, env.BURROW_TOKEN, issues);
  if (token === null && !isLoopbackHost(host)) {
    issues.push(
      `listening on ${host} (not a loopback address) needs a token: set --token or BURROW_TOKEN`,
    );
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    db: pick(flags.db, env.BURROW_DB) ?? DEFAULTS.db,
    pgUrl,
    pgSchema,
    host,
    port,
    executor,
    exampleTools: flags.exampleTools === true,
    token,
    logLevel,
    json: flags.json === true,
    scriptedStepMs,
    drainTimeoutMs: drainTimeoutMs ?? 0,
    openai: {
      baseUrl: pick(undefined, env.OPENAI_BASE_URL) ?? null,
      apiKey: pick(undefined, env.OPENAI_API_KEY) ?? null,
      model: pick(undefined, env.BURROW_MODEL) ?? null,
    },
    ownership,
  };
}

/** The variables `--executor openai-compatible` needs that are not set, in the documented order. */
export function missingOpenAiVariables(openai: OpenAiSettings): string[] {
  const missing: string[] = [];
  if (openai.baseUrl === null) missing.push('OPENAI_BASE_URL');
  if (openai.apiKey === null) missing.push('OPENAI_API_KEY');
  if (openai.model === null) missing.push('BURROW_MODEL');
  return missing;
}

/**
 * The PostgreSQL URL `burrow doctor` checks: `--pg`, then `BURROW_PG_URL` (what `serve` runs on),
 * then `DATABASE_URL`; null when none is set.
 */
export function resolvePostgresUrl(flag: string | undefined, env: CliEnv): string | null {
  return pick(flag, env.BURROW_PG_URL) ?? pick(undefined, env.DATABASE_URL) ?? null;
}

/**
 * The PostgreSQL schema of Burrow's tables: `--pg-schema`, then `BURROW_PG_SCHEMA`, then `burrow`.
 * Lowercase letters, digits and `_` only (the store splices it into SQL); a bad name is an issue.
 */
export function resolvePgSchema(flag: string | undefined, env: CliEnv, issues: string[]): string {
  const schema = pick(flag, env.BURROW_PG_SCHEMA) ?? DEFAULTS.pgSchema;
  if (!isPgSchemaName(schema)) {
    issues.push(
      `the PostgreSQL schema (--pg-schema, BURROW_PG_SCHEMA) must be lowercase letters, digits and _, at most ${PG_SCHEMA_NAME_MAX} (got ${JSON.stringify(schema)})`,
    );
  }
  return schema;
}

/** Picks the CLI's variables out of `process.env`. */
export function cliEnv(env: NodeJS.ProcessEnv): CliEnv {
  const picked: Partial<Record<(typeof ENV_NAMES)[number], string>> = {};
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}
