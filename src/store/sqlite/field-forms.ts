// Shorter stored forms of single fields in compact rows: a UUID in base64url, a list of ids, a
// timestamp as milliseconds, an enum value as its index. Each form is exact both ways: a value it
// cannot shorten is stored as it is, and a stored value that could be mistaken for a short form is
// escaped.

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

// The events of one commit share one timestamp: the last answer is remembered.
let lastTime: { text: string; ms: number | null } = { text: '', ms: null };

/** The milliseconds of `text` when it is exactly `toISOString`'s form of them, else null. */
export function canonicalTimeMs(text: string): number | null {
  if (text !== lastTime.text) {
    const ms = Date.parse(text);
    lastTime = { text, ms: !Number.isNaN(ms) && new Date(ms).toISOString() === text ? ms : null };
  }
  return lastTime.ms;
}

function readId(value: unknown, what: string): unknown {
  if (typeof value !== 'string' || !value.startsWith(MARK)) return value;
  if (value.startsWith(MARK, 1)) return value.slice(1);
  const hex = Buffer.from(value.slice(1), 'base64url').toString('hex');
  if (hex.length !== 32) throw new Error(`${what}: a stored id is not a UUID`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The stored form of `value` in a field of `form`. */
export function storeForm(form: FieldForm, value: unknown): unknown {
  if (form === 'id') return storeId(value);
  if (form === 'ids') return Array.isArray(value) ? value.map(storeId) : value;
  if (form === 'time') return typeof value === 'string' ? (canonicalTimeMs(value) ?? value) : value;
  const index = typeof value === 'string' ? form.indexOf(value) : -1;
  return index < 0 ? value : index;
}

/** The value stored as `stored` in a field of `form`; throws naming `what` for a bad short form. */
export function readForm(form: FieldForm, stored: unknown, what: string): unknown {
  if (form === 'id') return readId(stored, what);
  if (form === 'ids') return Array.isArray(stored) ? stored.map((id) => readId(id, what)) : stored;
  if (form === 'time') return typeof stored === 'number' ? new Date(stored).toISOString() : stored;
  if (typeof stored !== 'number') return stored;
  const value = form[stored];
  if (value === undefined) throw new Error(`${what}: enum index ${stored} is unknown`);
  return value;
}
