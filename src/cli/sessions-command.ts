// `burrow sessions`: the sessions of a running server, as a table or JSON.

import { createApiClient } from './api-client.js';
import type { CliIo } from './cli-io.js';
import type { ClientFlags, CliEnv } from './config.js';
import { resolveClientConfig } from './config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { formatTable } from './text-table.js';

/** One row of the listing, as the server reports it. */
interface SessionRow {
  readonly sessionId?: unknown;
  readonly phase?: unknown;
  readonly queue?: unknown;
  readonly steer?: unknown;
  readonly running?: unknown;
}

/** The sessions in a `GET /v1/sessions` body (an array, or an object with a `sessions` array). */
export function sessionRows(body: unknown): SessionRow[] {
  if (Array.isArray(body)) return body as SessionRow[];
  if (typeof body === 'object' && body !== null) {
    const list = (body as { sessions?: unknown }).sessions;
    if (Array.isArray(list)) return list as SessionRow[];
  }
  return [];
}

/** Lists sessions; `--json` prints the server's body unchanged. */
export async function runSessions(
  flags: ClientFlags & { readonly offset?: number; readonly limit?: number },
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const query = new URLSearchParams();
  if (flags.offset !== undefined) query.set('offset', String(flags.offset));
  if (flags.limit !== undefined) query.set('limit', String(flags.limit));
  const search = query.size === 0 ? '' : `?${query.toString()}`;
  const { body } = await createApiClient(config).json('GET', `/v1/sessions${search}`);
  if (config.json) {
    deps.io.out(JSON.stringify(body));
    return EXIT.ok;
  }
  const rows = sessionRows(body);
  if (rows.length === 0) {
    deps.io.out('no sessions');
    return EXIT.ok;
  }
  const cell = (value: unknown): string =>
    typeof value === 'string' ? value : JSON.stringify(value ?? '');
  deps.io.out(
    formatTable(
      ['session', 'phase', 'queued', 'steer', 'running'],
      rows.map((r) => [
        cell(r.sessionId),
        cell(r.phase),
        cell(r.queue),
        cell(r.steer),
        r.running === true ? 'yes' : 'no',
      ]),
    ),
  );
  return EXIT.ok;
}
