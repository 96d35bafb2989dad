// `burrow tail <id>`: follows a session's events through the client's event iterator, which resumes
// with Last-Event-ID after a disconnect; says why a stream ended and when it reconnects.

import type { RuntimeEvent } from '../core/runtime-event.js';
import { clientFor } from './cli-client.js';
import type { CliIo } from './cli-io.js';
import type { CliEnv } from './config.js';
import { resolveClientConfig } from './client-config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { TailFlags } from './program.js';

/** Reconnect attempts in a row without an event, before `tail` gives up with exit 3. */
export const RECONNECT_ATTEMPTS = 5;

/** One event as `tail` prints it: `#seq type {data}`. */
export function formatEventLine(event: RuntimeEvent): string {
  return `#${event.seq} ${event.type} ${JSON.stringify(event.data)}`;
}

/** Streams until `--max` events, the session ends, Ctrl-C (exit 130), or the server is gone (exit 3). */
export async function runTail(
  sessionId: string,
  flags: TailFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv; readonly signal: AbortSignal },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const { io, signal } = deps;
  let seen = 0;
  try {
    const events = clientFor(config).events(sessionId, {
      ...(flags.since === undefined ? {} : { since: flags.since }),
      signal,
      reconnectAttempts: RECONNECT_ATTEMPTS,
      onEnd: (reason) =>
        io.err(
          reason === 'dropped'
            ? 'tail: the connection dropped'
            : `tail: the stream ended (${reason})`,
        ),
      onReconnect: ({ afterSeq, attempt }) =>
        io.err(
          `tail: reconnecting after event ${afterSeq ?? 'none'} (attempt ${attempt} of ${RECONNECT_ATTEMPTS})`,
        ),
    });
    for await (const event of events) {
      seen += 1;
      io.out(config.json ? JSON.stringify(event) : formatEventLine(event));
      if (flags.max !== undefined && seen >= flags.max) break;
    }
    return EXIT.ok;
  } catch (error: unknown) {
    if (signal.aborted) return EXIT.interrupted;
    throw error;
  }
}
