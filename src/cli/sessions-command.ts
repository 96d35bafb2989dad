// `burrow sessions`: the sessions of a running server (filtered, sorted, one page), as a table or JSON.

import type { SessionQuery, SessionSummary } from '../client/types.js';
import { clientFor } from './cli-client.js';
import type { CliIo } from './cli-io.js';
import type { ClientFlags } from './client-config.js';
import type { CliEnv } from './config.js';
import { resolveClientConfig } from './client-config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { formatTable } from './text-table.js';

/** Flags of `burrow sessions`. */
export interface SessionsFlags extends ClientFlags {
  readonly offset?: number;
  readonly limit?: number;
  readonly phase?: NonNullable<SessionQuery['phase']>;
  readonly search?: string;
  readonly sort?: NonNullable<SessionQuery['sort']>;
}

/** The rows of the table. */
export function sessionRows(sessions: readonly SessionSummary[]): string[][] {
  return sessions.map((s) => [
    s.sessionId,
    s.phase,
    String(s.queue),
    String(s.steer),
    s.running ? 'yes' : 'no',
    // The host that owns the session (several hosts on one PostgreSQL); none when no host holds it.
    s.owner ?? '-',
  ]);
}

/** Lists sessions; `--json` prints the server's page as is. */
export async function runSessions(
  flags: SessionsFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const query: SessionQuery = {
    ...(flags.offset === undefined ? {} : { offset: flags.offset }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
    ...(flags.phase === undefined ? {} : { phase: flags.phase }),
    ...(flags.search === undefined ? {} : { search: flags.search }),
    ...(flags.sort === undefined ? {} : { sort: flags.sort }),
  };
  const page = await clientFor(config).listSessions(query);
  if (config.json) {
    deps.io.out(JSON.stringify(page));
    return EXIT.ok;
  }
  const filtered = flags.phase !== undefined || flags.search !== undefined;
  if (page.total === 0) {
    deps.io.out(filtered ? 'no sessions match' : 'no sessions');
    return EXIT.ok;
  }
  if (page.sessions.length > 0) {
    deps.io.out(
      formatTable(
        ['session', 'phase', 'queued', 'steer', 'running', 'host'],
        sessionRows(page.sessions),
      ),
    );
  }
  const first = page.offset + 1;
  const last = page.offset + page.sessions.length;
  deps.io.out(
    page.sessions.length === 0
      ? `no sessions from offset ${page.offset} (${page.total} in all)`
      : `sessions ${first}–${last} of ${page.total}` +
          (page.nextOffset === null ? '' : ` (next: --offset ${page.nextOffset})`),
  );
  return EXIT.ok;
}
