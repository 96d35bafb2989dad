// Memory for finished inputs (issue 10): retained terminal records are bounded per session and per
// process, by count and by size, and the oldest leave memory first. Only the ledger's mutator calls this.
//
// A pool is shared by the ledgers of one runtime. It keeps the order in which the records of every
// ledger finished, so the process bound evicts the oldest record of any session. Evicting
// from another session's ledger outside its gate is safe: it only removes finished records (never
// a live one, never a lane entry), and a plan in flight never relies on a finished record staying
// in memory (what left memory is still in the store, where the shell looks when memory misses).

import type { InputRecord } from './input-record.js';
import type { Ledger } from './input-ledger.js';

/** A bound on retained finished inputs: at most `records` of them and `bytes` of their JSON text. */
export interface RetainLimits {
  readonly records: number;
  readonly bytes: number;
}

/** No bound (ledgers created without a pool, e.g. in the core's own tests). */
export const UNBOUNDED: RetainLimits = { records: Infinity, bytes: Infinity };

/**
 * The retained-record accounting of one runtime: the two bounds, the totals, and the finish order
 * over every ledger. The order holds one slot per retained record: the ledger it belongs to (a slot
 * is a pointer, not an object, so retaining allocates nothing). A ledger's slots, oldest first,
 * match its finished records oldest first; when it holds more slots than records (`queued` >
 * `terminal.size`, because records left by its own bound or a prune), its oldest slots are stale.
 */
export interface RetainedPool {
  readonly perSession: RetainLimits;
  readonly perProcess: RetainLimits;
  /** Retained records and bytes over every ledger of the pool. */
  records: number;
  bytes: number;
  /** Finish order over every ledger (from `head` on); only kept when the process bound is finite. */
  queue: Ledger[];
  head: number;
}

/**
 * A pool with the given bounds.
 *
 * @example
 * const pool = createRetainedPool({ records: 256, bytes: 1 << 20 }, { records: 100_000, bytes: 64 << 20 });
 * const ledger = createLedger('s1', 1, pool);
 */
export function createRetainedPool(
  perSession: RetainLimits,
  perProcess: RetainLimits,
): RetainedPool {
  return { perSession, perProcess, records: 0, bytes: 0, queue: [], head: 0 };
}

/** The JSON text of a record without its variable parts (header, decision, state, timestamps): measured ~610. */
const RECORD_FRAME_BYTES = 610;

function jsonLength(value: unknown): number {
  return JSON.stringify(value).length;
}

/**
 * What a retained record costs against the byte bounds: the length of its JSON text, estimated as
 * the fixed frame plus the parts that vary (ids and keys, payload, metadata, outcome). Serialising
 * only those costs a third of serialising the whole record, once per finished input.
 */
export function retainedSize(record: InputRecord): number {
  const { header, payload, outcome } = record;
  return (
    RECORD_FRAME_BYTES +
    header.inputId.length +
    header.sessionId.length +
    (header.idempotencyKey?.length ?? 0) +
    (header.supersedeKey?.length ?? 0) +
    jsonLength(payload) +
    (header.metadata === null ? 0 : jsonLength(header.metadata)) +
    (outcome === null ? 0 : jsonLength(outcome))
  );
}

function tracksOrder(pool: RetainedPool): boolean {
  return Number.isFinite(pool.perProcess.records) || Number.isFinite(pool.perProcess.bytes);
}

/** The collections {@link retain} and {@link forget} write (the ledger's mutator hands them over). */
export interface RetainedMaps {
  readonly terminal: Map<string, InputRecord>;
  readonly idempotency: Map<string, string>;
  readonly retainedSizes: Map<string, number>;
}

/** Counts `record`, which was just added to `maps.terminal`, against both bounds. */
export function retain(ledger: Ledger, maps: RetainedMaps, record: InputRecord): void {
  const bytes = retainedSize(record);
  const pool = ledger.pool;
  maps.retainedSizes.set(record.header.inputId, bytes);
  ledger.retainedBytes += bytes;
  if (ledger.released) return;
  pool.records += 1;
  pool.bytes += bytes;
  if (tracksOrder(pool)) {
    pool.queue.push(ledger);
    ledger.queued += 1;
  }
}

/**
 * Removes a retained record from memory (prune or eviction): the record, its idempotency key, its
 * accounting. The ledger remembers that memory no longer holds everything it finished.
 */
export function forget(ledger: Ledger, maps: RetainedMaps, inputId: string): void {
  const record = maps.terminal.get(inputId);
  if (record === undefined) return;
  maps.terminal.delete(inputId);
  const key = record.header.idempotencyKey;
  if (key !== null && maps.idempotency.get(key) === inputId) maps.idempotency.delete(key);
  const bytes = maps.retainedSizes.get(inputId) ?? 0;
  maps.retainedSizes.delete(inputId);
  ledger.retainedBytes -= bytes;
  ledger.forgotten = true;
  if (ledger.released) return;
  ledger.pool.records -= 1;
  ledger.pool.bytes -= bytes;
}

function overLimit(records: number, bytes: number, limits: RetainLimits): boolean {
  return records > limits.records || bytes > limits.bytes;
}

/** Keeps, for each ledger, only its newest `terminal.size` slots (the ones that are not stale). */
function compact(pool: RetainedPool): void {
  const kept: Ledger[] = [];
  const counts = new Map<Ledger, number>();
  for (let i = pool.queue.length - 1; i >= pool.head; i -= 1) {
    const ledger = pool.queue[i] as Ledger;
    const count = counts.get(ledger) ?? 0;
    if (!ledger.released && count < ledger.terminal.size) kept.push(ledger);
    counts.set(ledger, count + 1);
  }
  for (const ledger of counts.keys()) ledger.queued = 0;
  for (const ledger of kept) ledger.queued += 1;
  pool.queue = kept.reverse();
  pool.head = 0;
}

/**
 * Evicts the oldest retained records until `ledger` is within the per-session bound, then the
 * oldest of any ledger of the pool until the pool is within the per-process bound. `mapsOf` hands
 * over the writable collections of a ledger (only the ledger's mutator can).
 */
export function enforceBounds(ledger: Ledger, mapsOf: (ledger: Ledger) => RetainedMaps): void {
  const pool = ledger.pool;
  if (overLimit(ledger.terminal.size, ledger.retainedBytes, pool.perSession)) {
    const maps = mapsOf(ledger);
    for (const inputId of maps.terminal.keys()) {
      if (!overLimit(maps.terminal.size, ledger.retainedBytes, pool.perSession)) break;
      forget(ledger, maps, inputId);
    }
  }
  // Every retained record of a ledger that is not released has a slot, so the loop cannot run out
  // of slots while the pool is over its bound.
  while (pool.head < pool.queue.length && overLimit(pool.records, pool.bytes, pool.perProcess)) {
    const owner = pool.queue[pool.head] as Ledger;
    pool.head += 1;
    owner.queued -= 1;
    if (owner.released || owner.queued >= owner.terminal.size) continue; // a stale slot
    const maps = mapsOf(owner);
    const oldest = maps.terminal.keys().next();
    if (oldest.done !== true) forget(owner, maps, oldest.value);
  }
  const slots = pool.queue.length - pool.head;
  if (pool.head > 1024 && pool.head * 2 > pool.queue.length) {
    pool.queue = pool.queue.slice(pool.head);
    pool.head = 0;
  }
  if (slots > 2 * pool.records + 1024) compact(pool);
}

/**
 * The session of `ledger` left the runtime: its retained records stop counting against the
 * process bound (they go with the ledger). Idempotent. A ledger dropped without this (a
 * registration that failed half-way) only wastes budget until its records are evicted in turn.
 */
export function releaseLedger(ledger: Ledger): void {
  if (ledger.released) return;
  ledger.released = true;
  ledger.pool.records -= ledger.terminal.size;
  ledger.pool.bytes -= ledger.retainedBytes;
}
