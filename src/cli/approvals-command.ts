// `burrow approvals [session]`, `burrow approve ID`, `burrow deny ID --reason`: tool calls waiting for a
// person on a running server, and deciding one (bound to the hash of the call listed).

import type { BurrowClient } from '../client/http-client.js';
import type { PendingApproval } from '../client/types.js';
import { clientFor } from './cli-client.js';
import type { CliIo } from './cli-io.js';
import type { ClientFlags } from './client-config.js';
import type { CliEnv } from './config.js';
import { resolveClientConfig } from './client-config.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { DEFAULT_WAIT } from './send-command.js';
import { formatTable } from './text-table.js';

/** Flags of `burrow approvals`. */
export type ApprovalsFlags = ClientFlags;

/** Flags of `burrow approve` and `burrow deny`. */
export interface DecideFlags extends ClientFlags {
  /** The session holding the approval (default: look in every session). */
  readonly session?: string;
  readonly reason?: string;
  /** `true` for `--wait` alone (the default timeout), or the duration given. */
  readonly wait?: string | true;
}

/** A pending approval and its session. */
interface Located {
  readonly sessionId: string;
  readonly approval: PendingApproval;
}

/** The pending approvals of `sessionId`, or of every session of the server (page by page). */
async function pending(client: BurrowClient, sessionId: string | undefined): Promise<Located[]> {
  const ids: string[] = [];
  if (sessionId !== undefined) ids.push(sessionId);
  else {
    for (let offset: number | null = 0; offset !== null;) {
      const page = await client.listSessions({ offset, limit: 1000 });
      ids.push(...page.sessions.filter((s) => s.phase !== 'destroyed').map((s) => s.sessionId));
      offset = page.nextOffset;
    }
  }
  const found: Located[] = [];
  for (const id of ids) {
    for (const approval of await client.listApprovals(id)) found.push({ sessionId: id, approval });
  }
  return found;
}

function shorten(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Lists the pending approvals (a table, or JSON with `--json`). */
export async function runApprovals(
  sessionId: string | undefined,
  flags: ApprovalsFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const found = await pending(clientFor(config), sessionId);
  if (config.json) {
    deps.io.out(JSON.stringify(found.map((f) => ({ sessionId: f.sessionId, ...f.approval }))));
    return EXIT.ok;
  }
  if (found.length === 0) {
    deps.io.out('no pending approvals');
    return EXIT.ok;
  }
  deps.io.out(
    formatTable(
      ['approval', 'session', 'tool', 'input', 'expires'],
      found.map((f) => [
        f.approval.approvalId,
        f.sessionId,
        f.approval.toolName,
        shorten(JSON.stringify(f.approval.input)),
        f.approval.expiresAt,
      ]),
    ),
  );
  return EXIT.ok;
}

/** Approves or denies `approvalId` with the hash of the call as listed; prints the turn's outcome. */
export async function runDecide(
  approvalId: string,
  decision: 'approve' | 'deny',
  flags: DecideFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const client = clientFor(config);
  const found = (await pending(client, flags.session)).find(
    (f) => f.approval.approvalId === approvalId,
  );
  if (found === undefined) {
    throw new CliError(EXIT.failure, `no pending approval ${approvalId}`, { approvalId });
  }
  const wait =
    flags.wait === undefined ? DEFAULT_WAIT : flags.wait === true ? DEFAULT_WAIT : flags.wait;
  const answer = await client.decideApproval(
    found.sessionId,
    approvalId,
    {
      decision,
      callHash: found.approval.callHash,
      ...(flags.reason === undefined ? {} : { reason: flags.reason }),
    },
    { wait },
  );
  if (config.json) {
    const { finished: _finished, ...body } = answer;
    deps.io.out(JSON.stringify({ sessionId: found.sessionId, ...body }));
    return EXIT.ok;
  }
  const verb = decision === 'approve' ? 'approved' : 'denied';
  deps.io.out(
    `${answer.status === 'deduplicated' ? 'already ' : ''}${verb} ${approvalId}: ${found.approval.toolName} ${JSON.stringify(found.approval.input)} (session ${found.sessionId})`,
  );
  if (answer.outcome !== null) deps.io.out(`outcome ${JSON.stringify(answer.outcome)}`);
  else
    deps.io.err(
      `no outcome yet: the turn that ${decision === 'approve' ? 'runs' : 'reports'} it is still queued or running`,
    );
  return EXIT.ok;
}
