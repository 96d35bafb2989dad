// `burrow serve` as a child process on a temp SQLite file and a free port of 127.0.0.1, plus a tiny
// JSON client for its API.

import { spawnCli, cleanEnv, type ChildHandle } from './cli-process.js';

/** A running server. */
export interface ServeProcess {
  readonly handle: ChildHandle;
  readonly url: string;
  /** What the `listening` line said (recovered sessions, executor, db). */
  readonly listening: Record<string, unknown>;
}

/** Starts `burrow serve --json --port 0 ...args` and waits for its `listening` line. */
export async function startServe(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const handle = spawnCli(['serve', '--json', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: cleanEnv(env),
  });
  const line = await handle.line((l) => l.includes('"event":"listening"'), 30_000);
  const listening = JSON.parse(line) as Record<string, unknown>;
  return { handle, url: String(listening['url']), listening };
}

/** A JSON response. */
export interface JsonResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Sends a JSON request (and reads a JSON or problem body). */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}
