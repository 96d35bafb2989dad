// A client command's configuration (`sessions`, `send`, `tail`, `approvals`): server URL, token, output mode.

import type { CliEnv } from './config.js';
import { ConfigError, DEFAULTS } from './config.js';
import { pick, rawToken } from './config-values.js';

/** Flags shared by the client commands (`sessions`, `send`, `tail`). */
export interface ClientFlags {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

/** Where a client command finds the server. */
export interface ClientConfig {
  readonly url: string;
  readonly token: string | null;
  readonly json: boolean;
}

/** Resolves a client command's configuration (server URL, token, output mode). */
export function resolveClientConfig(flags: ClientFlags, env: CliEnv): ClientConfig {
  const url = (pick(flags.url, env.BURROW_URL) ?? DEFAULTS.url).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new ConfigError([
      `the server URL (--url, BURROW_URL) must be an http(s) URL (got ${url})`,
    ]);
  }
  const issues: string[] = [];
  const token = rawToken(flags.token, env.BURROW_TOKEN, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return { url, token, json: flags.json === true };
}
