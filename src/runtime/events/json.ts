// Serialises each published event once, however many subscribers it reaches: the JSON text and its
// UTF-8 size are cached on the event object itself (weakly), for buffer accounting and SSE frames.

import type { RuntimeEvent } from '../../core/runtime-event.js';

/** An event's JSON text and its size in UTF-8 bytes. */
export interface SerializedEvent {
  readonly json: string;
  readonly bytes: number;
}

// Keyed by the published object: every subscriber and listener receives the same one, and the entry
// goes away with the event (nothing here outlives what the session's buffers hold).
const cache = new WeakMap<RuntimeEvent, SerializedEvent>();

/**
 * The event's JSON (the wire envelope `{ seq, id, at, sessionId, type, data }`) and its byte size,
 * computed on first use and shared by every later caller.
 *
 * @example
 * const { json, bytes } = serializedEvent(event); // the second call returns the cached text
 */
export function serializedEvent(event: RuntimeEvent): SerializedEvent {
  let found = cache.get(event);
  if (found === undefined) {
    const json = JSON.stringify(event);
    found = { json, bytes: Buffer.byteLength(json) };
    cache.set(event, found);
  }
  return found;
}
