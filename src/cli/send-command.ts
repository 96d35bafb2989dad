// `burrow send <id> <text>`: submits a prompt to a running server, optionally waiting for its outcome
// (and saying so while it waits).

import type { InputSubmission } from '../client/types.js';
import { clientFor } from './cli-client.js';
import type { CliIo } from './cli-io.js';
import type { CliEnv } from './config.js';
import { resolveClientConfig } from './client-config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { SendFlags } from './program.js';

/** The default of `--wait` without a value. */
export const DEFAULT_WAIT = '30s';

/** The prompt `send` submits. */
export function sendInput(text: string, flags: SendFlags): InputSubmission {
  return {
    kind: 'prompt',
    content: text,
    ...(flags.whenBusy === undefined ? {} : { whenBusy: flags.whenBusy }),
    ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
  };
}

/**
 * Shows, on a terminal, how long `send --wait` has been waiting; returns the function that stops it.
 * Off a terminal the one line said before sending is enough.
 */
function showWaiting(io: CliIo, wait: string): () => void {
  if (!io.interactive) return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => {
    io.progress(
      `waiting for the outcome… ${Math.round((Date.now() - started) / 1000)}s of ${wait}`,
    );
  }, 1000);
  return () => {
    clearInterval(timer);
    io.clearProgress();
  };
}

/** Sends; prints the input id and decision, and the outcome when waiting. */
export async function runSend(
  sessionId: string,
  text: string,
  flags: SendFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv },
): Promise<ExitCode> {
  const { io } = deps;
  const config = resolveClientConfig(flags, deps.env);
  const client = clientFor(config);
  if (flags.create === true) await client.registerSession(sessionId);
  const wait = flags.wait === undefined ? null : flags.wait === true ? DEFAULT_WAIT : flags.wait;
  if (wait !== null) {
    io.err(
      `waiting up to ${wait} for the outcome (Ctrl-C stops waiting; the input keeps its course)`,
    );
  }
  const stop = wait === null ? () => undefined : showWaiting(io, wait);
  let answer: Awaited<ReturnType<typeof client.send>>;
  try {
    answer = await client.send(sessionId, sendInput(text, flags), wait === null ? {} : { wait });
  } finally {
    stop();
  }
  if (config.json) {
    const { finished: _finished, ...body } = answer;
    io.out(JSON.stringify(body));
    return EXIT.ok;
  }
  io.out(`${answer.status} input ${answer.inputId} (lane ${answer.decision.lane})`);
  if (answer.outcome !== null) io.out(`outcome ${JSON.stringify(answer.outcome)}`);
  else if (wait !== null) {
    io.err(
      `no outcome yet: the input is still queued or running ` +
        `(GET /v1/sessions/${encodeURIComponent(sessionId)}/inputs/${encodeURIComponent(answer.inputId)})`,
    );
  }
  return EXIT.ok;
}
