// The shapes the runtime reports and is configured by (diagnostics, retention, event-stream options):
// types only, so the public API and the shared context name them without importing the modules
// that compute them.

import type { PruneReport } from '../store/runtime-store.js';
import type { SubscriberLimits, SubscriberStatistics } from './events/subscriber.js';
import type { OwnershipStats } from './ownership/stats.js';

/** Retention of one kind of record: kept while younger than `maxAgeMs` or among the newest `keepPerSession`. */
export interface RetentionRule {
  readonly maxAgeMs: number;
  readonly keepPerSession: number;
}

/** The retention rules by record kind. */
export interface Retention {
  readonly inputs: RetentionRule;
  readonly receipts: RetentionRule;
  readonly events: RetentionRule;
  readonly operations: RetentionRule;
}

/** What a prune removed: from memory (retained terminal inputs) and from the store. */
export interface RetentionReport {
  readonly memoryInputs: number;
  readonly store: PruneReport | null;
}

/** Options of `runtime.events`. */
export interface EventStreamOptions extends Partial<SubscriberLimits> {
  /** Replay the events with `seq > since` first (from memory or the store); without it, live only. */
  readonly since?: number;
  /** Ends the iteration (normally) when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Called once, as soon as the subscriber falls behind (its buffer is dropped then; the next pull
   * throws). For a consumer blocked elsewhere, e.g. on a network write, that must stop at once.
   */
  readonly onOverflow?: () => void;
}

/** One session's internal health. */
export interface SessionDiagnostics {
  readonly sessionId: string;
  readonly machineViolations: readonly string[];
  readonly ledgerViolations: readonly string[];
  readonly liveInputs: number;
  /** Finished inputs held in memory, and their JSON size. */
  readonly retainedInputs: number;
  readonly retainedBytes: number;
  readonly pendingCompletions: number;
  readonly loop: 'none' | 'created' | 'running' | 'stopping' | 'stopped';
}

/** The runtime's internal health: every session, live loops, held gates, accepts in flight. */
export interface RuntimeDiagnostics {
  readonly sessions: readonly SessionDiagnostics[];
  readonly liveLoops: number;
  readonly gatesHeld: number;
  readonly inflightAccepts: number;
  readonly closing: boolean;
  /** Live `events()` subscribers and what their buffers hold (each is bounded). */
  readonly eventSubscribers: SubscriberStatistics;
  /** Finished inputs held in memory over every session, and their JSON size (the process bound). */
  readonly retained: { readonly records: number; readonly bytes: number };
  /** This host's leases and ownership counters; null when the store does not arbitrate ownership. */
  readonly ownership: OwnershipDiagnostics | null;
}

/** This host's ownership work: its id, the leases it holds now, and counters since it started. */
export interface OwnershipDiagnostics extends Readonly<OwnershipStats> {
  readonly hostId: string;
  /** Sessions registered here under a lease of this host. */
  readonly leasesHeld: number;
}
