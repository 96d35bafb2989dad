// The input ledger: per-input states, the two lanes, admission sequence numbers, attempts and the
// idempotency index of one session.
//
// Planners (ledger-*.ts) read a ledger and return a patch; they never touch it. The shell persists
// what a patch changes and only then calls `applyLedgerPatch`, the single mutator, so a failed store
// write leaves the ledger as it was (stage / commit / rollback, as for the machine). Live inputs and
// retained terminal inputs live in separate maps so a turn costs O(batch), not O(history).

import type { Lane } from '../admission/admission.js';
import type { InputRecord } from './input-record.js';
import { isTerminal } from './input-record.js';
import { checkHistory } from './history.js';
import type { RetainedPool } from './retained.js';
import { UNBOUNDED, createRetainedPool, enforceBounds, forget, retain } from './retained.js';

// Reading and restoring a ledger live in their own modules; their names stay importable from here.
export {
  activeInputIds,
  countByStatus,
  findInput,
  hasQueuedWork,
  laneRecords,
  runMembers,
} from './queries.js';
export { restoreLedger } from './restore.js';

/** The lanes that hold queued inputs. */
export type QueueLane = Exclude<Lane, 'none'>;

/**
 * Where a queued input is placed in its lane. Priority inputs always stay ahead of ordinary ones:
 * a priority input goes to the very front (`front`) or to the end of the priority block (`back`);
 * an ordinary input goes right after the priority block (`front`) or to the end (`back`).
 */
export type LanePlacement = 'back' | 'front';

/**
 * The ledger of one session. Mutated only by {@link applyLedgerPatch}. A new ledger shares empty
 * collections with every other new ledger (a runtime may hold 100,000 idle sessions); the first patch
 * gives it its own. Retained terminal inputs are bounded by the ledger's pool (core/ledger/retained.ts):
 * the oldest leave memory first, and `forgotten` says that some did (the store may know ids and
 * idempotency keys that memory no longer holds).
 */
export interface Ledger {
  readonly sessionId: string;
  nextSeq: number;
  /** Non-terminal inputs by id. */
  live: ReadonlyMap<string, InputRecord>;
  /** Input ids queued in each lane, in the order they will be taken. */
  lanes: Readonly<Record<QueueLane, readonly string[]>>;
  /** Retained terminal inputs by id, oldest terminal first. */
  terminal: ReadonlyMap<string, InputRecord>;
  /** Idempotency key -> input id. */
  idempotency: ReadonlyMap<string, string>;
  /** The retained-input bounds this ledger counts against (shared by the ledgers of a runtime). */
  readonly pool: RetainedPool;
  /** The JSON size of each retained terminal input, by id (measured once, when it is retained). */
  retainedSizes: ReadonlyMap<string, number>;
  /** The JSON size of the retained terminal inputs. */
  retainedBytes: number;
  /** True once a terminal input left memory (pruned or evicted): memory no longer knows every id. */
  forgotten: boolean;
  /** True once the session left the runtime: its records no longer count against the pool. */
  released: boolean;
  /** Slots this ledger holds in the pool's finish order (core/ledger/retained.ts). */
  queued: number;
}

const SHARED_RECORDS: ReadonlyMap<string, InputRecord> = new Map();
const SHARED_KEYS: ReadonlyMap<string, string> = new Map();
const SHARED_SIZES: ReadonlyMap<string, number> = new Map();
const SHARED_LANES: Readonly<Record<QueueLane, readonly string[]>> = Object.freeze({
  queue: Object.freeze([]),
  steer: Object.freeze([]),
});

/** The ledger's collections, writable (only {@link applyLedgerPatch} asks for them). */
interface Writable {
  live: Map<string, InputRecord>;
  terminal: Map<string, InputRecord>;
  idempotency: Map<string, string>;
  retainedSizes: Map<string, number>;
  lanes: Record<QueueLane, string[]>;
}

function writable(ledger: Ledger): Writable {
  if (ledger.live === SHARED_RECORDS) ledger.live = new Map();
  if (ledger.terminal === SHARED_RECORDS) ledger.terminal = new Map();
  if (ledger.idempotency === SHARED_KEYS) ledger.idempotency = new Map();
  if (ledger.retainedSizes === SHARED_SIZES) ledger.retainedSizes = new Map();
  if (ledger.lanes === SHARED_LANES) ledger.lanes = { queue: [], steer: [] };
  return ledger as unknown as Writable;
}

/** True when the shared empty collections are still empty (a bug elsewhere would show here). */
export function sharedCollectionsEmpty(): boolean {
  return (
    SHARED_RECORDS.size === 0 &&
    SHARED_KEYS.size === 0 &&
    SHARED_SIZES.size === 0 &&
    SHARED_LANES.queue.length === 0 &&
    SHARED_LANES.steer.length === 0
  );
}

/** One change a patch makes. Applied in order. `drop` removes a retained terminal input (and its key) from memory. */
export type LedgerOp =
  | { readonly op: 'put'; readonly record: InputRecord; readonly placement?: LanePlacement }
  | { readonly op: 'index'; readonly key: string; readonly inputId: string }
  | { readonly op: 'drop'; readonly inputId: string };

/** A set of changes computed by a planner; `records` are the records it writes (what the store persists). */
export interface LedgerPatch {
  readonly ops: readonly LedgerOp[];
  readonly nextSeq?: number;
}

/** An empty ledger; without a pool, its retained inputs are unbounded. */
export function createLedger(
  sessionId: string,
  nextSeq = 1,
  pool: RetainedPool = createRetainedPool(UNBOUNDED, UNBOUNDED),
): Ledger {
  return {
    sessionId,
    nextSeq,
    live: SHARED_RECORDS,
    lanes: SHARED_LANES,
    terminal: SHARED_RECORDS,
    idempotency: SHARED_KEYS,
    pool,
    retainedSizes: SHARED_SIZES,
    retainedBytes: 0,
    forgotten: false,
    released: false,
    queued: 0,
  };
}

/** The records a patch writes, in order (the last write of an input wins). */
export function patchRecords(patch: LedgerPatch): InputRecord[] {
  const byId = new Map<string, InputRecord>();
  for (const op of patch.ops) if (op.op === 'put') byId.set(op.record.header.inputId, op.record);
  return [...byId.values()];
}

function removeFromLanes(w: Writable, inputId: string): void {
  for (const lane of [w.lanes.queue, w.lanes.steer]) {
    const index = lane.indexOf(inputId);
    if (index >= 0) lane.splice(index, 1);
  }
}

function place(w: Writable, record: InputRecord, placement: LanePlacement): void {
  const laneName = record.decision.lane;
  if (laneName === 'none') return;
  const lane = w.lanes[laneName];
  const id = record.header.inputId;
  const firstOrdinary = lane.findIndex(
    (other) => w.live.get(other)?.decision.queueMode !== 'priority',
  );
  const blockEnd = firstOrdinary < 0 ? lane.length : firstOrdinary;
  if (record.decision.queueMode === 'priority')
    lane.splice(placement === 'front' ? 0 : blockEnd, 0, id);
  else lane.splice(placement === 'front' ? blockEnd : lane.length, 0, id);
}

/**
 * The single mutator: applies a patch computed by a planner (after the store accepted it), then
 * holds the retained inputs to the pool's bounds. Throws `internal` (a bug in a planner) for a
 * patch that would rewrite a terminal record; nothing changes then.
 */
export function applyLedgerPatch(ledger: Ledger, patch: LedgerPatch): void {
  if (patch.ops.length > 0) {
    checkHistory(ledger, patch);
    const w = writable(ledger);
    for (const op of patch.ops) {
      switch (op.op) {
        case 'put': {
          const id = op.record.header.inputId;
          if (w.terminal.get(id) === op.record) break;
          if (isTerminal(op.record.state)) {
            removeFromLanes(w, id);
            w.live.delete(id);
            // Re-putting an equal terminal record changes nothing (checkHistory compared them).
            if (w.terminal.has(id)) break;
            w.terminal.set(id, op.record);
            retain(ledger, w, op.record);
          } else {
            removeFromLanes(w, id);
            w.live.set(id, op.record);
            if (op.record.state.status === 'queued') place(w, op.record, op.placement ?? 'back');
          }
          break;
        }
        case 'index':
          w.idempotency.set(op.key, op.inputId);
          break;
        case 'drop':
          forget(ledger, w, op.inputId);
          break;
      }
    }
    enforceBounds(ledger, writable);
  }
  if (patch.nextSeq !== undefined) ledger.nextSeq = patch.nextSeq;
}
