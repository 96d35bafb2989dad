// How runtime events are framed on an SSE stream: `named` frames (`event: <type>`, the default) or
// `message` frames (no `event:` line, so a plain EventSource's `onmessage` receives every event). The
// JSON is the event's one cached serialization, shared by every stream that sends it.

import { BurrowError } from '../../core/errors.js';
import type { RuntimeEvent } from '../../core/runtime-event.js';
import { serializedEvent } from '../../runtime/events/json.js';

/** The frame formats of the event-stream routes (`?format=`). */
export const SSE_FORMATS = ['named', 'message'] as const;

/** One of {@link SSE_FORMATS}. */
export type SseFormat = (typeof SSE_FORMATS)[number];

/**
 * The SSE frame of one event: `id: <seq>` when `withId` and the event is durable, `event: <type>` in the
 * `named` format, and `data:` with the whole envelope `{ seq, id, at, sessionId, type, data }`.
 *
 * @example
 * eventFrame(event, { format: 'message', withId: true }); // "id: 12\ndata: {...}\n\n"
 */
export function eventFrame(
  event: RuntimeEvent,
  options: { readonly format: SseFormat; readonly withId: boolean },
): string {
  // Transient events (seq null) carry no `id:`: a client's Last-Event-ID always names a durable event.
  let frame = options.withId && event.seq !== null ? `id: ${event.seq}\n` : '';
  if (options.format === 'named') frame += `event: ${event.type}\n`;
  // JSON text never holds a raw line break, so the envelope is always exactly one data line.
  return `${frame}data: ${serializedEvent(event).json}\n\n`;
}

/** Parses `?format=`: absent is `named`; anything else must be one of the formats (the document's enum). */
export function formatParam(value: string | undefined): SseFormat {
  if (value === undefined) return 'named';
  const format = SSE_FORMATS.find((f) => f === value);
  if (format === undefined) {
    throw new BurrowError('validation_failed', `format must be one of ${SSE_FORMATS.join(', ')}`, {
      issues: [`format: one of ${SSE_FORMATS.join(', ')}`],
    });
  }
  return format;
}

/** The `?format=` parameter as the OpenAPI document lists it. */
export const FORMAT_PARAM = {
  name: 'format',
  in: 'query',
  type: 'string',
  enum: SSE_FORMATS,
  description:
    '`named` (default): each event is an `event: <type>` frame. `message`: no `event:` line, so a plain EventSource receives every event in `onmessage` (the type is in the data). The final `end` frame is named in both.',
} as const;
