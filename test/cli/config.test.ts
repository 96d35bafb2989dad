// The CLI configuration: flags win over the environment, the environment over the defaults, and every
// invalid value is reported at once.

import { describe, expect, it } from 'vitest';
import {
  cliEnv,
  ConfigError,
  DEFAULTS,
  missingOpenAiVariables,
  resolvePostgresUrl,
  resolveServeConfig,
} from '../../src/cli/config.js';
import { resolveClientConfig } from '../../src/cli/client-config.js';
import { isLoopbackHost } from '../../src/server/loopback.js';

function issuesOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('serve configuration', () => {
  it('uses the documented defaults when neither flags nor environment say anything', () => {
    expect(resolveServeConfig({}, {})).toEqual({
      db: './.burrow/runtime.db',
      pgUrl: null,
      pgSchema: 'burrow',
      host: '127.0.0.1',
      port: 7420,
      executor: 'echo',
      exampleTools: false,
      token: null,
      logLevel: 'warn',
      json: false,
      scriptedStepMs: DEFAULTS.scriptedStepMs,
      drainTimeoutMs: 20_000,
      openai: { baseUrl: null, apiKey: null, model: null },
      ownership: { hostId: null, leaseTtlMs: 30_000, sweepIntervalMs: 5_000 },
    });
  });

  it('reads the host id, lease time to live and sweep interval of several hosts, and refuses bad ones', () => {
    const env = {
      BURROW_HOST_ID: 'host-b',
      BURROW_LEASE_TTL: '3s',
      BURROW_SWEEP_INTERVAL: '500ms',
    };
    expect(resolveServeConfig({}, env).ownership).toEqual({
      hostId: 'host-b',
      leaseTtlMs: 3_000,
      sweepIntervalMs: 500,
    });
    expect(
      resolveServeConfig({ hostId: 'host-a', leaseTtl: '10s', sweepInterval: '0' }, env).ownership,
    ).toEqual({ hostId: 'host-a', leaseTtlMs: 10_000, sweepIntervalMs: 0 });
    const issues = issuesOf(() =>
      resolveServeConfig({ hostId: 'two words', leaseTtl: '100ms', sweepInterval: 'often' }, {}),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^the host id \(--host-id, BURROW_HOST_ID\) must be/),
      expect.stringMatching(/^the lease time to live \(--lease-ttl, BURROW_LEASE_TTL\) must be/),
      expect.stringMatching(/^the sweep interval \(--sweep-interval, BURROW_SWEEP_INTERVAL\)/),
    ]);
  });

  it('runs on PostgreSQL with --pg or BURROW_PG_URL (never DATABASE_URL), in the schema asked for', () => {
    const env = { BURROW_PG_URL: 'postgres://env/db', BURROW_PG_SCHEMA: 'env_schema' };
    expect(resolveServeConfig({}, { DATABASE_URL: 'postgres://x/y' }).pgUrl).toBeNull();
    expect(resolveServeConfig({}, env)).toMatchObject({
      pgUrl: 'postgres://env/db',
      pgSchema: 'env_schema',
    });
    expect(
      resolveServeConfig({ pg: 'postgresql://flag/db', pgSchema: 'flag_schema' }, env),
    ).toMatchObject({ pgUrl: 'postgresql://flag/db', pgSchema: 'flag_schema' });
    const issues = issuesOf(() =>
      resolveServeConfig({ pg: 'mysql://x', pgSchema: 'Bad-Name' }, {}),
    );
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/must start with postgres:\/\//);
    expect(issues[1]).toMatch(/--pg-schema/);
  });

  it('reads the drain deadline as a duration, and refuses anything else', () => {
    expect(resolveServeConfig({ drainTimeout: '1500ms' }, {}).drainTimeoutMs).toBe(1500);
    expect(resolveServeConfig({}, { BURROW_DRAIN_TIMEOUT: '2m' }).drainTimeoutMs).toBe(120_000);
    expect(resolveServeConfig({ drainTimeout: '0' }, {}).drainTimeoutMs).toBe(0);
    expect(issuesOf(() => resolveServeConfig({ drainTimeout: 'soon' }, {}))).toEqual([
      expect.stringMatching(
        /^the drain timeout \(--drain-timeout, BURROW_DRAIN_TIMEOUT\) must be a duration/,
      ),
    ]);
  });

  it('refuses a token no client could send (spaces, non-ASCII) for serve and for the clients', () => {
    for (const token of ['two words', ' padded', 'caf\u00e9', 'tab\there']) {
      expect(issuesOf(() => resolveServeConfig({ token }, {}))).toEqual([
        expect.stringMatching(/^the token must be 1 to 4096 visible ASCII characters/),
      ]);
      expect(issuesOf(() => resolveClientConfig({}, { BURROW_TOKEN: token }))).toHaveLength(1);
    }
    expect(resolveServeConfig({ token: 'Zm9v.YmFy-_~+/=' }, {}).token).toBe('Zm9v.YmFy-_~+/=');
  });

  it('takes the environment over the defaults', () => {
    const config = resolveServeConfig(
      {},
      {
        BURROW_DB: '/tmp/x.db',
        BURROW_PORT: '8000',
        BURROW_HOST: 'localhost',
        BURROW_TOKEN: 'secret',
        BURROW_EXECUTOR: 'scripted',
        BURROW_LOG_LEVEL: 'debug',
        BURROW_SCRIPTED_STEP_MS: '10',
        OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
        OPENAI_API_KEY: 'k',
        BURROW_MODEL: 'm',
      },
    );
    expect(config).toMatchObject({
      db: '/tmp/x.db',
      port: 8000,
      host: 'localhost',
      token: 'secret',
      executor: 'scripted',
      logLevel: 'debug',
      scriptedStepMs: 10,
      openai: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', model: 'm' },
    });
  });

  it('takes flags over the environment', () => {
    const env = {
      BURROW_DB: '/tmp/env.db',
      BURROW_PORT: '8000',
      BURROW_EXECUTOR: 'scripted',
      BURROW_TOKEN: 'env-token',
      BURROW_LOG_LEVEL: 'debug',
    };
    const config = resolveServeConfig(
      { db: '/tmp/flag.db', port: '9000', executor: 'echo', token: 'flag-token', logLevel: 'info' },
      env,
    );
    expect(config).toMatchObject({
      db: '/tmp/flag.db',
      port: 9000,
      executor: 'echo',
      token: 'flag-token',
      logLevel: 'info',
    });
  });

  it('treats empty values as unset', () => {
    expect(resolveServeConfig({ port: '' }, { BURROW_PORT: '  ', BURROW_TOKEN: '' })).toMatchObject(
      { port: 7420, token: null },
    );
  });

  it('accepts port 0 (any free port) and refuses ports out of range or not integers', () => {
    expect(resolveServeConfig({ port: '0' }, {}).port).toBe(0);
    expect(issuesOf(() => resolveServeConfig({ port: '65536' }, {}))).toEqual([
      'the port (--port, BURROW_PORT) must be an integer from 0 to 65535 (got 65536)',
    ]);
    expect(issuesOf(() => resolveServeConfig({}, { BURROW_PORT: '80.5' }))).toHaveLength(1);
  });

  it('reports every invalid value in one error', () => {
    const issues = issuesOf(() =>
      resolveServeConfig({ executor: 'gpt', logLevel: 'loud' }, { BURROW_PORT: 'x' }),
    );
    expect(issues).toHaveLength(3);
    expect(issues.join('\n')).toMatch(
      /executor .* must be one of echo, scripted, openai-compatible/,
    );
    expect(issues.join('\n')).toMatch(/log level/);
    expect(issues.join('\n')).toMatch(/port/);
  });

  it('refuses a non-loopback host without a token, and allows it with one', () => {
    expect(issuesOf(() => resolveServeConfig({ host: '0.0.0.0' }, {}))[0]).toMatch(
      /0\.0\.0\.0 \(not a loopback address\) needs a token/,
    );
    expect(resolveServeConfig({ host: '0.0.0.0' }, { BURROW_TOKEN: 't' }).host).toBe('0.0.0.0');
  });

  it('names exactly the missing openai-compatible variables', () => {
    const config = resolveServeConfig({}, { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' });
    expect(missingOpenAiVariables(config.openai)).toEqual(['OPENAI_API_KEY', 'BURROW_MODEL']);
  });
});

describe('client configuration', () => {
  it('defaults to the local server, without a token', () => {
    expect(resolveClientConfig({}, {})).toEqual({
      url: 'http://127.0.0.1:7420',
      token: null,
      json: false,
    });
  });

  it('takes --url over BURROW_URL and --token over BURROW_TOKEN, trimming a trailing slash', () => {
    const env = { BURROW_URL: 'http://127.0.0.1:1', BURROW_TOKEN: 'env' };
    expect(resolveClientConfig({}, env)).toMatchObject({ url: 'http://127.0.0.1:1', token: 'env' });
    expect(
      resolveClientConfig({ url: 'http://127.0.0.1:2/', token: 'flag', json: true }, env),
    ).toEqual({ url: 'http://127.0.0.1:2', token: 'flag', json: true });
  });

  it('refuses a URL that is not http(s)', () => {
    expect(issuesOf(() => resolveClientConfig({ url: 'ftp://x' }, {}))[0]).toMatch(/http\(s\) URL/);
  });
});

describe('environment', () => {
  it('picks only the variables the CLI reads', () => {
    expect(cliEnv({ BURROW_PORT: '1', HOME: '/root', DATABASE_URL: 'postgres://x' })).toEqual({
      BURROW_PORT: '1',
      DATABASE_URL: 'postgres://x',
    });
  });

  it('takes --pg over BURROW_PG_URL over DATABASE_URL', () => {
    expect(resolvePostgresUrl(undefined, {})).toBeNull();
    expect(
      resolvePostgresUrl(undefined, {
        BURROW_PG_URL: 'postgres://burrow',
        DATABASE_URL: 'postgres://env',
      }),
    ).toBe('postgres://burrow');
    expect(resolvePostgresUrl(undefined, { DATABASE_URL: 'postgres://env' })).toBe(
      'postgres://env',
    );
    expect(resolvePostgresUrl('postgres://flag', { DATABASE_URL: 'postgres://env' })).toBe(
      'postgres://flag',
    );
  });

  it('knows which hosts are loopback', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      'LocalHost',
      ' ::1 ',
      '[::1]',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      '0.0.0.0',
      '10.0.0.1',
      '::',
      'example.com',
      '128.0.0.1',
      '127.0.0.256',
      '127.0.0',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
