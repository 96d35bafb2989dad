// The shared state of one runtime: options, store, clock, sessions map, gates, listeners and logger.
// Types only: create-context.ts fills in the defaults and builds it.

import type { WhenBusy } from '../core/input-kinds.js';
import type { RetainedPool } from '../core/ledger/retained.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import type { RuntimeStore } from '../store/runtime-store.js';
import type { Clock } from './clock.js';
import type { ExecutorFactory } from './executor.js';
import type { Wakeups } from './ingress/wakeups.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { OwnershipStats } from './ownership/stats.js';
import type { LlmReconfigureHost } from './operation-types.js';
import type { Retention } from './runtime-reports.js';
import type { SessionEntry } from './session/entry.js';
import type { CommsHandle } from './session/entry-types.js';
import type { EventsShared } from './session/events.js';

/** Where the runtime reports what it cannot return to a caller (listener throws, background failures). */
export interface RuntimeLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The options of `createRuntime`, with their defaults. */
export interface RuntimeOptions {
  /** The durable store; without one the runtime is storeless (memory only, nothing survives the process). */
  readonly store?: RuntimeStore;
  /** Builds executors for recovery and auto-attach. */
  readonly executorFactory?: ExecutorFactory;
  readonly clock?: Clock;
  readonly logger?: RuntimeLogger;
  /** Session default for `whenBusy` (default `queue`). */
  readonly defaultWhenBusy?: WhenBusy;
  /** Non-terminal inputs per session (default 1000). */
  readonly maxQueuedInputs?: number;
  /**
   * Group commit within a session (default true): accepts into one session that arrive while its
   * previous write is in flight are installed at once and share the next write; each is answered
   * only once that write is durable (docs/decisions.md).
   */
  readonly groupCommit?: boolean;
  /** Accepts in flight per process (default 10,000). */
  readonly maxInflightAccepts?: number;
  /** Serialised size limit per input in bytes (default 1 MiB). */
  readonly maxInputBytes?: number;
  /** Failed runs before an input is abandoned (default 3). */
  readonly maxAttempts?: number;
  /** Back-off after a failed run: base and cap in ms (default 50 and 5,000). */
  readonly retryBackoffMs?: { readonly base: number; readonly max: number };
  /** Optional per-run timeout; hard-cancels with cause `timeout`. */
  readonly runTimeoutMs?: number;
  /** Grace before a loop or comms drain that ignores its cancel is abandoned (default 2,000 ms). */
  readonly drainGraceMs?: number;
  /** Session-level debounce (default 0: none). */
  readonly debounceMs?: number;
  /** Retention of terminal inputs, receipts, events and finished operations, in memory and store (defaults: 24 h or 10,000 per session). */
  readonly retention?: Partial<Retention>;
  /** How often retention runs (default 10 minutes; 0 turns the periodic prune off). */
  readonly pruneIntervalMs?: number;
  /**
   * Memory for finished inputs, per session and per process, by count and by JSON size (defaults in
   * `DEFAULT_RETAINED_INPUTS` (create-context.ts)). The oldest leave memory first; the store still answers for
   * them. Without a store, what memory no longer holds is gone.
   */
  readonly retainedInputs?: Partial<RetainedInputLimits>;
  /** This process's host id for ownership leases (stores that arbitrate ownership). */
  readonly hostId?: string;
  /** Lease time to live (default 30 s). */
  readonly leaseTtlMs?: number;
  /**
   * How often the sweeper looks for sessions with work whose lease is free, expired or held by a gone
   * process of this machine, and resumes them (default 5,000 ms; 0 turns it off). It runs only when
   * the store arbitrates ownership and an executor factory is configured.
   */
  readonly sweepIntervalMs?: number;
  /**
   * How long a tool call waits for a person's decision before the runtime denies it as `expired`
   * (default 1 hour).
   */
  readonly approvalTtlMs?: number;
  /**
   * How often `events()` for a session another live host owns polls the store for new events
   * (default 250 ms).
   */
  readonly eventPollMs?: number;
  /**
   * How long an operation for a session another live host owns waits for that owner's answer through
   * the ingress mailbox before it fails `store_unavailable` (default 10,000 ms).
   */
  readonly ingressTimeoutMs?: number;
  /**
   * How often the owner polls the ingress mailbox, and a forwarding host its answer (default 100 ms;
   * PostgreSQL NOTIFY wakes both sooner).
   */
  readonly mailboxPollMs?: number;
}

/** Bounds on the finished inputs held in memory (see `RuntimeOptions.retainedInputs`). */
export interface RetainedInputLimits {
  /** Finished inputs per session. */
  readonly sessionRecords: number;
  /** JSON bytes of finished inputs per session. */
  readonly sessionBytes: number;
  /** Finished inputs over every session of the runtime. */
  readonly processRecords: number;
  /** JSON bytes of finished inputs over every session of the runtime. */
  readonly processBytes: number;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<
  Omit<
    RuntimeOptions,
    'store' | 'executorFactory' | 'runTimeoutMs' | 'hostId' | 'retention' | 'retainedInputs'
  >
> & {
  readonly retention: Retention;
  readonly retainedInputs: RetainedInputLimits;
  readonly runTimeoutMs: number | null;
  readonly hostId: string | null;
};

/** The state every operation module shares. */
export interface RuntimeContext {
  readonly options: ResolvedOptions;
  readonly store: RuntimeStore | null;
  readonly executorFactory: ExecutorFactory | null;
  readonly clock: Clock;
  readonly log: RuntimeLogger;
  readonly sessions: Map<string, SessionEntry>;
  /** The per-session mutation gate (by session id). */
  readonly gate: KeyedMutex;
  readonly globalListeners: Set<(event: RuntimeEvent) => void>;
  llmHost: LlmReconfigureHost | null;
  inflightAccepts: number;
  /** Accepts waiting for each session's gate (by session id; absent when none): group commit's cue. */
  readonly acceptsWaiting: Map<string, number>;
  closing: boolean;
  /** ISO time now. */
  nowIso(): string;
  /** What every session's event stream shares. */
  readonly events: EventsShared;
  /** This process's id as a lease owner. */
  readonly hostId: string;
  /** The memory bounds every session's ledger counts its finished inputs against. */
  readonly retained: RetainedPool;
  /**
   * Session openings in flight, by session (one at a time per session: each holds its gate). The
   * shutdown waits for them before it lists the sessions; a recovery pass does not claim their leases.
   */
  readonly activations: Map<string, Promise<void>>;
  /** What startup recovery and the sweeper share. */
  readonly recovery: RecoveryState;
  /** Counters of this host's ownership work (per host, on /metrics). */
  readonly ownershipStats: OwnershipStats;
  /** Wake-ups from the other hosts sharing the store (hints that cut polls short). */
  readonly wakeups: Wakeups;
  /**
   * Starts a session's comms drain task (the `SpawnDrainTask` effect; comms.ts). A function here, so
   * that effects.ts reaches the drain without importing the operations it calls (an import cycle).
   */
  readonly spawnCommsDrain: (entry: SessionEntry) => CommsHandle;
}

/** The state of recovery: passes in progress and the back-off of sessions whose recovery failed. */
export interface RecoveryState {
  /** `recover()` calls in progress (the runtime is not ready while one runs). */
  running: number;
  /**
   * The recovery pass in progress, if any. Passes run one at a time: a pass claims the leases of its
   * sessions before opening them, and a second pass claiming them again would make those fences stale.
   */
  pass: Promise<unknown> | null;
  /**
   * The pass's `claimMany` in flight, if any. An opening that claims on its own waits for it: claiming
   * during it could be overtaken by it, and the opening's fence would be stale before its first commit.
   */
  claiming: Promise<unknown> | null;
  /** Consecutive failed recoveries per session, and how many more sweeps sit it out. */
  readonly backoff: Map<string, { failures: number; skip: number }>;
}
