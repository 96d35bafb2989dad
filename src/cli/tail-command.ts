// `burrow tail <id>`: follows a session's events over SSE and resumes with Last-Event-ID after a disconnect.

import { setTimeout as sleep } from 'node:timers/promises';
import { createApiClient, type ApiClient } from './api-client.js';
import type { CliIo } from './cli-io.js';
import type { CliEnv } from './config.js';
import { resolveClientConfig } from './config.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import type { TailFlags } from './program.js';
import { createSseParser, type SseMessage } from './sse-parser.js';

/** Reconnect attempts after the stream drops, before `tail` gives up with exit 3. */
export const RECONNECT_ATTEMPTS = 5;

/** One event as `tail` prints it: `#seq type {data}`. */
export function formatEventLine(message: SseMessage): string {
  try {
    const event = JSON.parse(message.data) as { seq?: unknown; type?: unknown; data?: unknown };
    const seq = typeof event.seq === 'number' ? event.seq : message.id;
    const type = typeof event.type === 'string' ? event.type : message.event;
    return `#${seq ?? '?'} ${type} ${JSON.stringify(event.data ?? null)}`;
  } catch {
    return `${message.event} ${message.data}`;
  }
}

/** Reads one connection to its end; returns how it ended. */
async function readStream(
  response: Response,
  onMessage: (message: SseMessage) => boolean,
  cursor: { lastId: string | null },
): Promise<void> {
  const body = response.body;
  if (body === null) return;
  const parser = createSseParser();
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
      if (message.id !== null) cursor.lastId = message.id;
      if (!onMessage(message)) {
        await body.cancel().catch(() => undefined);
        return;
      }
    }
  }
}

function endReason(data: string): string {
  try {
    const parsed = JSON.parse(data) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Streams until `--max` events, the session ends, Ctrl-C (exit 130), or the server is gone (exit 3). */
export async function runTail(
  sessionId: string,
  flags: TailFlags,
  deps: { readonly io: CliIo; readonly env: CliEnv; readonly signal: AbortSignal },
): Promise<ExitCode> {
  const config = resolveClientConfig(flags, deps.env);
  const client: ApiClient = createApiClient(config);
  const { io, signal } = deps;
  const cursor: { lastId: string | null } = {
    lastId: flags.since === undefined ? null : String(flags.since),
  };
  let seen = 0;
  let sessionGone = false;
  const onMessage = (message: SseMessage): boolean => {
    if (message.event === 'end') {
      // The server's last frame on a stream: `session_ended` is final; anything else (shutdown,
      // overflow, error) is worth a resume from the last id.
      const reason = endReason(message.data);
      io.err(`tail: the stream ended (${reason})`);
      if (reason === 'session_ended') sessionGone = true;
      return false;
    }
    seen += 1;
    io.out(config.json ? message.data : formatEventLine(message));
    return flags.max === undefined || seen < flags.max;
  };
  const path = `/v1/sessions/${encodeURIComponent(sessionId)}/events`;
  let failures = 0;
  while (!signal.aborted) {
    const headers: Record<string, string> =
      cursor.lastId === null ? {} : { 'last-event-id': cursor.lastId };
    try {
      const response = await client.stream(path, headers, signal);
      failures = 0;
      await readStream(response, onMessage, cursor);
      if (sessionGone || (flags.max !== undefined && seen >= flags.max)) return EXIT.ok;
    } catch (error: unknown) {
      if (signal.aborted) break;
      if (error instanceof CliError && error.exitCode !== EXIT.unreachable) throw error;
      failures += 1;
      if (failures > RECONNECT_ATTEMPTS) {
        if (error instanceof CliError) throw error;
        throw new CliError(
          EXIT.unreachable,
          `lost the event stream of ${client.url}`,
          {},
          { cause: error },
        );
      }
    }
    if (!signal.aborted) {
      io.err(`tail: stream ended; reconnecting after event ${cursor.lastId ?? 'none'}`);
      await sleep(Math.min(200 * 2 ** failures, 3000), undefined, { signal }).catch(
        () => undefined,
      );
    }
  }
  return EXIT.interrupted;
}
