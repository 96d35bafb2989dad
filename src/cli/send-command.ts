// `burrow send <id> <text>`: submits a prompt to a running server, optionally waiting for its outcome.

import { createApiClient } from './api-client.js';
import type { CliIo } from './cli-io.js';
import type { CliEnv } from './config.js';
import { resolveClientConfig } from './config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { SendFlags } from './program.js';

/** The default of `--wait` without a value. */
export const DEFAULT_WAIT = '30s';

/** The request `send` makes: path (with `?wait=`) and JSON body. */
export function sendRequest(
  sessionId: string,
  text: string,
  flags: SendFlags,
): { path: string; body: Record<string, string> } {
  const wait = flags.wait === undefined ? null : flags.wait === true ? DEFAULT_WAIT : flags.wait;
  const path =
    `/v1/sessions/${encodeURIComponent(sessionId)}/inputs` +
    (wait === null ? '' : `?wait=${encodeURIComponent(wait)}`);
  return {
    path,
    body: {
      kind: 'prompt',
      content: text,
      ...(flags.whenBusy === undefined ? {} : { whenBusy: flags.whenBusy }),
      ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
    },
  };
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

/** Sends; prints the input id and decision, and the outcome when waiting. */
export async function runSend(
  sessionId: string,
  text: string,
  flags: SendFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const client = createApiClient(config);
  if (flags.create === true) await client.json('POST', '/v1/sessions', { id: sessionId });
  const request = sendRequest(sessionId, text, flags);
  const { body } = await client.json('POST', request.path, request.body);
  if (config.json) {
    deps.io.out(JSON.stringify(body));
    return EXIT.ok;
  }
  const decision = field(body, 'decision');
  const lane = field(decision, 'lane');
  deps.io.out(
    `${show(field(body, 'status') ?? 'accepted')} input ${show(field(body, 'inputId'))}` +
      (typeof lane === 'string' ? ` (lane ${lane})` : ''),
  );
  const outcome = field(body, 'outcome');
  if (outcome !== undefined && outcome !== null) deps.io.out(`outcome ${JSON.stringify(outcome)}`);
  else if (flags.wait !== undefined) {
    deps.io.err(
      `no outcome yet: the input is still queued or running ` +
        `(GET /v1/sessions/${encodeURIComponent(sessionId)}/inputs/${show(field(body, 'inputId'))})`,
    );
  }
  return EXIT.ok;
}
