// The RuntimeStore interface (04): narrow on purpose; one commit batch is one transaction.

import type { InputRecord } from '../core/ledger/input-record.js';
import type { Phase } from '../core/machine/state.js';
import type { DurableEvent } from '../core/runtime-event.js';
import type { MailboxMethods, StoreWakeup, WakeupSubscription } from './mailbox-types.js';
import type {
  LifecycleRecord,
  OperationRecord,
  OpsCursorRecord,
  RunReceipt,
  TranscriptEntry,
} from './records.js';

declare const runtimeIdBrand: unique symbol;

/**
 * The logical runtime id of a session: `rt:session:<sessionId>`. Branded: only {@link runtimeIdOf} makes one
 * (a store's rows declare the ids they read back as the ones it wrote).
 */
export type RuntimeId = string & { readonly [runtimeIdBrand]: true };

const RUNTIME_ID_PREFIX = 'rt:session:';

/** A fence token: the lease generation a commit is conditional on. */
export type FenceToken = number;

/** The runtime id of a session. */
export function runtimeIdOf(sessionId: string): RuntimeId {
  return `${RUNTIME_ID_PREFIX}${sessionId}` as RuntimeId;
}

/** The session id of a runtime id: the inverse of {@link runtimeIdOf}. */
export function sessionIdOf(runtimeId: RuntimeId): string {
  return runtimeId.slice(RUNTIME_ID_PREFIX.length);
}

/** The runtime id in `text` (a notification a store sent itself), or null when it holds none. */
export function parseRuntimeId(text: string): RuntimeId | null {
  return text.startsWith(RUNTIME_ID_PREFIX)
    ? runtimeIdOf(text.slice(RUNTIME_ID_PREFIX.length))
    : null;
}

/**
 * Everything one step of the runtime writes, applied in one transaction: all of it or none of it.
 * Upserts replace by key; inserts of an existing key (a receipt's run id, a transcript index, an
 * event seq) fail the whole batch, which is how a turn's messages can never land twice. An input
 * that is stored terminal is never rewritten with a different record (history only grows): such a
 * batch fails whole with `internal`.
 */
export interface CommitBatch {
  /** Upserted session lifecycle. */
  readonly lifecycle?: LifecycleRecord;
  /** Upserted input records (durable inputs only), keyed by input id. */
  readonly inputs?: readonly InputRecord[];
  /** Inserted run receipt. */
  readonly receipt?: RunReceipt;
  /** Inserted transcript messages (contiguous indexes, continuing the stored transcript). */
  readonly transcript?: readonly TranscriptEntry[];
  /** Inserted events (never `run.progress`). */
  readonly events?: readonly DurableEvent[];
  /** Upserted background operations, keyed by operation id. */
  readonly operations?: readonly OperationRecord[];
  /** Upserted completion-feed cursor. */
  readonly opsCursor?: OpsCursorRecord;
  /** Deletes every background operation and the cursor of the session (unregister, delete_snapshot). */
  readonly deleteOperations?: boolean;
}

/** What `load` returns: the whole durable view of one session. */
export interface StoredSession {
  readonly runtimeId: RuntimeId;
  readonly lifecycle: LifecycleRecord | null;
  /** Non-terminal inputs and retained terminal ones, ordered by admission sequence. */
  readonly inputs: readonly InputRecord[];
  readonly transcriptLength: number;
  /** The highest stored event seq (0 when none). */
  readonly eventHighWater: number;
  /** The highest stored receipt seq (0 when none). */
  readonly receiptHighWater: number;
  readonly operations: readonly OperationRecord[];
  readonly opsCursor: OpsCursorRecord | null;
}

/** A session with work and its lease, as `listRecoverableLeases` reports it. */
export interface RecoverableLease {
  readonly runtimeId: RuntimeId;
  /** The host holding the lease, or null when nobody does. */
  readonly owner: string | null;
  /** When the lease expires (ms since the epoch), or null when nobody holds it. */
  readonly expiresAt: number | null;
}

/** One session the store knows, as `listSessions` reports it. */
export interface StoredSessionSummary {
  readonly runtimeId: RuntimeId;
  /** The stored (durable) phase. */
  readonly phase: Phase;
  /** Non-terminal inputs in the queue lane and in the steer lane. */
  readonly queue: number;
  readonly steer: number;
  /** Who holds the session's lease and until when (possibly past: expired), or null when nobody does. */
  readonly lease: { readonly owner: string; readonly expiresAt: number } | null;
}

/** Retention policy for `prune`. A record is pruned when it is both older than `maxAgeMs` and beyond the newest `keepPerSession`. */
export interface PrunePolicy {
  /** The reference time (ms since epoch); stores read no clock of their own. */
  readonly now: number;
  readonly inputs: { readonly maxAgeMs: number; readonly keepPerSession: number };
  readonly receipts: { readonly maxAgeMs: number; readonly keepPerSession: number };
  readonly events: { readonly maxAgeMs: number; readonly keepPerSession: number };
  readonly operations: { readonly maxAgeMs: number; readonly keepPerSession: number };
}

/** How many records `prune` removed. */
export interface PruneReport {
  readonly inputs: number;
  readonly receipts: number;
  readonly events: number;
  readonly operations: number;
}

/**
 * The durable store behind a runtime. Errors are `BurrowError`s: `store_unavailable` when the store
 * failed (nothing was written), `fenced` when a fence check failed, `internal` for a stored record
 * with an unknown version or a corrupt body (refused, never guessed).
 */
export interface RuntimeStore {
  /** A short name for logs and metrics (`memory`, `sqlite`, `postgres`). */
  readonly kind: string;
  load(runtimeId: RuntimeId): Promise<StoredSession | null>;
  /** One transaction. With `fence`, the commit happens only if the session's lease still carries that fence token. */
  commit(runtimeId: RuntimeId, batch: CommitBatch, fence?: FenceToken): Promise<void>;
  /** Events with `seq > sinceSeq`, oldest first, at most `limit`. */
  readEvents(runtimeId: RuntimeId, sinceSeq: number, limit: number): Promise<DurableEvent[]>;
  /** Run receipts with `seq > sinceSeq`, oldest first, at most `limit` (pruned receipts are gone). */
  readReceipts(runtimeId: RuntimeId, sinceSeq: number, limit: number): Promise<RunReceipt[]>;
  /** Transcript messages from `offset`, oldest first, at most `limit`. */
  readTranscript(runtimeId: RuntimeId, offset: number, limit: number): Promise<TranscriptEntry[]>;
  /** One input record, terminal or not, or null. */
  readInput(runtimeId: RuntimeId, inputId: string): Promise<InputRecord | null>;
  /**
   * The input carrying `idempotencyKey` in the session (the first admitted, should several), or null.
   * How admission finds a key whose input memory no longer holds.
   */
  readInputByIdempotencyKey(
    runtimeId: RuntimeId,
    idempotencyKey: string,
  ): Promise<InputRecord | null>;
  /**
   * Sessions with work that must resume without a client: non-terminal inputs, or background
   * operations in flight or finished with a wake not yet delivered. Never destroyed ones. Sorted.
   */
  listRecoverable(): Promise<RuntimeId[]>;
  /** {@link RuntimeStore.listRecoverable} with each session's lease, in one read (what a sweeper needs). */
  listRecoverableLeases?(): Promise<RecoverableLease[]>;
  /**
   * The sessions the store knows, sorted by runtime id, from `offset`, at most `limit`: every session
   * registered and not unregistered (a lifecycle with an epoch; an unregister that deletes the
   * snapshot leaves none), destroyed ones included.
   */
  listSessions?(offset: number, limit: number): Promise<StoredSessionSummary[]>;
  /** A cheap round trip that fails (`store_unavailable`) when the store cannot serve (readiness). */
  probe?(): Promise<void>;
  prune(policy: PrunePolicy): Promise<PruneReport>;
  close(): Promise<void>;
  /**
   * Multi-host ownership: claims the lease if it is free, expired, already this host's, or held by
   * `takeoverFrom` (a previous owner the caller proved dead); returns the new fence token, or null.
   */
  claim?(
    runtimeId: RuntimeId,
    hostId: string,
    ttlMs: number,
    now: number,
    takeoverFrom?: string,
  ): Promise<FenceToken | null>;
  /** `claim` for many sessions in one transaction; the fence (or null) of each, in order. */
  claimMany?(
    runtimeIds: readonly RuntimeId[],
    hostId: string,
    ttlMs: number,
    now: number,
  ): Promise<(FenceToken | null)[]>;
  /** The current owner of the session's lease and its expiry, or null when nobody holds it. */
  owner?(
    runtimeId: RuntimeId,
  ): Promise<{ readonly hostId: string; readonly expiresAt: number } | null>;
  /**
   * Renews every unexpired lease of the host (an expired one is not revived) and returns the runtime
   * ids it renewed: a lease of the host not among them has lapsed.
   */
  renew?(hostId: string, ttlMs: number, now: number): Promise<RuntimeId[]>;
  release?(runtimeId: RuntimeId, hostId: string): Promise<void>;
  /** The ingress mailbox (issue 11): requests for a session's owner, posted by other hosts. */
  readonly mailbox?: MailboxMethods;
  /**
   * Wake-ups from the other hosts sharing the store (PostgreSQL LISTEN/NOTIFY): hints to read the
   * store now instead of at the next poll, never data. A dropped connection is re-established.
   */
  subscribeWakeups?(onWake: (wake: StoreWakeup) => void): WakeupSubscription;
}

/** The lease methods of a store that several processes or hosts share (optional on {@link RuntimeStore}). */
export type LeaseMethods = Required<
  Pick<RuntimeStore, 'claim' | 'claimMany' | 'owner' | 'renew' | 'release'>
>;

/** A durable store that several processes or hosts share: leases and lists are not optional. */
export type SharedRuntimeStore = RuntimeStore &
  LeaseMethods &
  Required<Pick<RuntimeStore, 'listRecoverableLeases' | 'listSessions'>>;
