// Builds a runtime's shared context (runtime-context.ts): the options with their defaults filled in,
// the store, clock, gates, retained-input pool, ownership counters and event fan-out.

import { createRetainedPool } from '../core/ledger/retained.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import { sessionIdOf } from '../store/runtime-store.js';
import type { Clock } from './clock.js';
import { isoAt } from './clock.js';
import { spawnCommsDrain } from './comms.js';
import { createWakeups } from './ingress/wakeups.js';
import { KeyedMutex } from './keyed-mutex.js';
import { defaultHostId } from './ownership/leases.js';
import { createOwnershipStats } from './ownership/stats.js';
import { DEFAULT_RETENTION } from './retention.js';
import type {
  ResolvedOptions,
  RetainedInputLimits,
  RuntimeContext,
  RuntimeLogger,
  RuntimeOptions,
} from './runtime-context.js';
import type { SessionEntry } from './session/entry.js';

/**
 * Defaults: 256 finished inputs or 1 MiB per session, 100,000 or 64 MiB per runtime. Measured (see
 * docs/decisions.md): a retained record costs 0.7 to 0.9 times its JSON length in heap, so the
 * process bound holds finished inputs to about 60 MB of heap.
 */
export const DEFAULT_RETAINED_INPUTS: RetainedInputLimits = {
  sessionRecords: 256,
  sessionBytes: 1024 * 1024,
  processRecords: 100_000,
  processBytes: 64 * 1024 * 1024,
};

const silentLogger: RuntimeLogger = { warn: () => undefined, error: () => undefined };

/** Fills in the defaults of `options`. */
export function resolveOptions(options: RuntimeOptions): ResolvedOptions {
  return {
    clock: options.clock as Clock,
    logger: options.logger ?? silentLogger,
    defaultWhenBusy: options.defaultWhenBusy ?? 'queue',
    maxQueuedInputs: options.maxQueuedInputs ?? 1000,
    groupCommit: options.groupCommit ?? true,
    maxInflightAccepts: options.maxInflightAccepts ?? 10_000,
    maxInputBytes: options.maxInputBytes ?? 1024 * 1024,
    maxAttempts: options.maxAttempts ?? 3,
    retryBackoffMs: options.retryBackoffMs ?? { base: 50, max: 5_000 },
    runTimeoutMs: options.runTimeoutMs ?? null,
    drainGraceMs: options.drainGraceMs ?? 2_000,
    debounceMs: options.debounceMs ?? 0,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
    pruneIntervalMs: options.pruneIntervalMs ?? 10 * 60 * 1000,
    retainedInputs: { ...DEFAULT_RETAINED_INPUTS, ...options.retainedInputs },
    hostId: options.hostId ?? null,
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
    approvalTtlMs: options.approvalTtlMs ?? 3_600_000,
    eventPollMs: options.eventPollMs ?? 250,
    ingressTimeoutMs: options.ingressTimeoutMs ?? 10_000,
    mailboxPollMs: options.mailboxPollMs ?? 100,
  };
}

/** Builds the shared context. */
export function createContext(options: RuntimeOptions, clock: Clock): RuntimeContext {
  const resolved = resolveOptions({ ...options, clock });
  const globalListeners = new Set<(event: RuntimeEvent) => void>();
  const log = resolved.logger;
  const limits = resolved.retainedInputs;
  const sessions = new Map<string, SessionEntry>();
  const ctx: RuntimeContext = {
    options: resolved,
    store: options.store ?? null,
    executorFactory: options.executorFactory ?? null,
    clock,
    log: resolved.logger,
    sessions,
    gate: new KeyedMutex(),
    globalListeners,
    llmHost: null,
    inflightAccepts: 0,
    acceptsWaiting: new Map(),
    closing: false,
    nowIso: () => isoAt(clock.now()),
    hostId: resolved.hostId ?? defaultHostId(clock.now()),
    retained: createRetainedPool(
      { records: limits.sessionRecords, bytes: limits.sessionBytes },
      { records: limits.processRecords, bytes: limits.processBytes },
    ),
    activations: new Map(),
    recovery: { running: 0, pass: null, claiming: null, backoff: new Map() },
    ownershipStats: createOwnershipStats(),
    wakeups: createWakeups(clock, (runtimeId) => sessions.has(sessionIdOf(runtimeId))),
    events: {
      now: () => isoAt(clock.now()),
      fanout: (event) => {
        for (const listener of globalListeners) {
          try {
            listener(event);
          } catch (error: unknown) {
            log.warn('a runtime event listener threw', {
              sessionId: event.sessionId,
              error: String(error),
            });
          }
        }
      },
      onListenerError: (error) => log.warn('an event listener threw', { error: String(error) }),
      recentLimit: 1000,
    },
    spawnCommsDrain: (entry) => spawnCommsDrain(ctx, entry),
  };
  return ctx;
}
