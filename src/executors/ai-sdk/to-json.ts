// Turning AI SDK values (messages, tool inputs and outputs) into plain JSON for the transcript.

import type { JsonValue } from '../../core/json.js';

/**
 * A JSON copy of `value`, as the transcript stores it: `undefined` properties are dropped, binary
 * data becomes base64, URLs and dates become strings, non-finite numbers, functions and symbols
 * become `null`. The AI SDK accepts base64 strings and URL strings wherever it accepts the originals,
 * so a message survives the round trip through the store.
 *
 * @example
 * toJsonValue({ role: 'assistant', content: 'hi', providerOptions: undefined }); // { role, content }
 */
export function toJsonValue(value: unknown): JsonValue {
  return convert(value, new WeakSet());
}

function convert(value: unknown, seen: WeakSet<object>): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      return convertObject(value, seen);
    default:
      // Functions and symbols are not data.
      return null;
  }
}

function convertObject(value: object, seen: WeakSet<object>): JsonValue {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  if (value instanceof URL) return value.href;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => convert(item, seen));
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out[key] = convert(item, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
