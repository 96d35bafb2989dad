// Shorter stored forms of single fields in compact rows: a UUID in base64url, a list of ids, a
// timestamp as milliseconds, an enum value as its index. Each form is exact both ways: a value it
// cannot shorten is stored as it is, and a stored value that could be mistaken for a short form is
// escaped.

import { timestampMs } from '../codecs/json-value.js';
import { memoOfLastTwo } from '../codecs/recent-memo.js';

/** How a field is stored: `id`, `ids` (a list of ids), `time`, or the values of an enum. */
export type FieldForm = 'id' | 'ids' | 'time' | readonly string[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Marks a short id; a stored id that starts with it is escaped by doubling it. */
const MARK = '~';

// A turn names the same input and run ids in several rows: the last ids shortened are remembered.
const shortIds = new Map<string, string>();
const SHORT_IDS_KEPT = 64;

function storeId(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const known = shortIds.get(value);
  if (known !== undefined) return known;
  if (!UUID.test(value)) return value.startsWith(MARK) ? MARK + value : value;
  const short = MARK + Buffer.from(value.replaceAll('-', ''), 'hex').toString('base64url');
  if (shortIds.size >= SHORT_IDS_KEPT) shortIds.clear();
  shortIds.set(value, short);
  return short;
}

/** The milliseconds of `text` when it is exactly `toISOString`'s form of them, else null. */
export const canonicalTimeMs: (text: string) => number | null = memoOfLastTwo((text) => {
  const ms = timestampMs(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === text ? ms : null;
});

function readId(value: unknown, what: string): unknown {
  if (typeof value !== 'string' || !value.startsWith(MARK)) return value;
  if (value.startsWith(MARK, 1)) return value.slice(1);
  const hex = Buffer.from(value.slice(1), 'base64url').toString('hex');
  if (hex.length !== 32) throw new Error(`${what}: a stored id is not a UUID`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** How one field of a given form is stored and read back, decided once per field list. */
export interface CompiledForm {
  /** The stored form of `value`. */
  store(value: unknown): unknown;
  /** The value stored as `stored`; throws naming `what` for a bad short form. */
  read(stored: unknown, what: string): unknown;
}

function enumForm(values: readonly string[]): CompiledForm {
  const indexes = new Map(values.map((value, index) => [value, index]));
  return {
    store: (value) => (typeof value === 'string' ? (indexes.get(value) ?? value) : value),
    read(stored, what) {
      if (typeof stored !== 'number') return stored;
      const value = values[stored];
      if (value === undefined) throw new Error(`${what}: enum index ${stored} is unknown`);
      return value;
    },
  };
}

/** The store and read functions of `form`. */
export function compileForm(form: FieldForm): CompiledForm {
  switch (form) {
    case 'id':
      return { store: storeId, read: readId };
    case 'ids':
      return {
        store: (value) => (Array.isArray(value) ? value.map(storeId) : value),
        read: (stored, what) =>
          Array.isArray(stored) ? stored.map((id) => readId(id, what)) : stored,
      };
    case 'time':
      return {
        store: (value) => (typeof value === 'string' ? (canonicalTimeMs(value) ?? value) : value),
        read: (stored) => (typeof stored === 'number' ? new Date(stored).toISOString() : stored),
      };
    default:
      return enumForm(form);
  }
}
