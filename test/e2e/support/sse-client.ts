// A test client for a session's SSE stream (with the CLI's own parser): collects events, waits for one.

import type { RuntimeEvent } from '../../../src/core/runtime-event.js';
import { createSseParser } from '../../../src/client/sse-parser.js';

/** An open event stream. */
export interface EventStream {
  readonly events: RuntimeEvent[];
  /** Resolves with the first event (already received or future) that matches; rejects after `timeoutMs`. */
  waitFor(match: (event: RuntimeEvent) => boolean, timeoutMs?: number): Promise<RuntimeEvent>;
  /** The `reason` of the server's final `end` frame, or `disconnected`. */
  readonly ended: Promise<string>;
  close(): void;
}

/** Opens `GET /v1/sessions/{id}/events?since=` on `baseUrl`. */
export async function openEvents(
  baseUrl: string,
  sessionId: string,
  options: { since?: number; token?: string } = {},
): Promise<EventStream> {
  const controller = new AbortController();
  const query = options.since === undefined ? '' : `?since=${options.since}`;
  const response = await fetch(
    `${baseUrl}/v1/sessions/${encodeURIComponent(sessionId)}/events${query}`,
    {
      headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
      signal: controller.signal,
    },
  );
  if (!response.ok || response.body === null) throw new Error(`events: HTTP ${response.status}`);
  const events: RuntimeEvent[] = [];
  const waiters = new Set<() => void>();
  const parser = createSseParser();
  const body = response.body;
  let done = false;
  const ended = (async (): Promise<string> => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (message.event === 'end')
            return (JSON.parse(message.data) as { reason: string }).reason;
          events.push(JSON.parse(message.data) as RuntimeEvent);
          waiters.forEach((w) => w());
        }
      }
      return 'disconnected';
    } catch {
      return 'disconnected';
    } finally {
      done = true;
      waiters.forEach((w) => w());
    }
  })();
  return {
    events,
    ended,
    waitFor: (match, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no matching event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const finish = (error: Error | null, event?: RuntimeEvent): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === null && event !== undefined) resolve(event);
          else
            reject(
              new Error(`${error?.message ?? ''}; got ${events.map((e) => e.type).join(', ')}`),
            );
        };
        const check = (): void => {
          const found = events.find(match);
          if (found !== undefined) finish(null, found);
          else if (done) finish(new Error('the stream ended'));
        };
        waiters.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
}
