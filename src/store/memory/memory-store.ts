// The memory store: a real RuntimeStore in one process, every record kept as codec-encoded JSON text.

import { toError } from '../../core/errors.js';
import type { InputRecord } from '../../core/input-record.js';
import type { DurableEvent } from '../../core/runtime-event.js';
import { eventCodec } from '../codecs/event-codec.js';
import {
  inputCodec,
  lifecycleCodec,
  operationCodec,
  opsCursorCodec,
  receiptCodec,
  transcriptCodec,
} from '../codecs/record-codecs.js';
import type { EncodedInput } from '../encoded-batch.js';
import { encodeBatch } from '../encoded-batch.js';
import type { RecordRewriter } from '../record-kinds.js';
import type { RunReceipt, TranscriptEntry } from '../records.js';
import type {
  CommitBatch,
  FenceToken,
  PruneReport,
  RecoverableLease,
  RuntimeId,
  RuntimeStore,
  StoredSessionSummary,
} from '../runtime-store.js';
import type { PrunePolicy, StoredSession } from '../runtime-store.js';
import { storeClosed } from '../store-errors.js';
import type { MemorySession } from './memory-session.js';
import { applyBatch, createMemorySession } from './memory-session.js';
import { knownSessions, recoverableLeases } from './memory-lists.js';
import { pruneMemorySession } from './memory-prune.js';
import { rewriteSessionRecords } from './memory-rewrite.js';

const rewriters = new WeakMap<RuntimeStore, RecordRewriter>();

/** Runs `fn` now and returns its result as a promise (a throw becomes a rejection). */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e: unknown) {
    return Promise.reject(toError(e));
  }
}

/**
 * A store that keeps everything in this process. It encodes every record through the same codecs
 * as the durable stores and decodes on every read, applies each batch all-or-nothing, and supports
 * the lease protocol (claim, renew, release) so that fencing behaves as it does on SQLite.
 *
 * @example
 * const store = memoryStore();
 * await store.commit(runtimeIdOf('s1'), { lifecycle });
 * const stored = await store.load(runtimeIdOf('s1'));
 */
export function memoryStore(): RuntimeStore {
  const sessions = new Map<RuntimeId, MemorySession>();
  let closed = false;

  const open = (): void => {
    if (closed) throw storeClosed('memory');
  };
  const sessionOf = (runtimeId: RuntimeId): MemorySession => {
    let session = sessions.get(runtimeId);
    if (session === undefined) {
      session = createMemorySession();
      sessions.set(runtimeId, session);
    }
    return session;
  };
  const where = (runtimeId: RuntimeId, key: string | number): string => `${runtimeId} ${key}`;

  const store = {
    kind: 'memory',
    load(runtimeId: RuntimeId): Promise<StoredSession | null> {
      return settle(() => {
        open();
        const session = sessions.get(runtimeId);
        if (session === undefined || !session.committed) return null;
        const inputs = [...session.inputs.values()]
          .sort((a, b) => a.seq - b.seq)
          .map((input) => inputCodec.decode(input.body, where(runtimeId, input.inputId)));
        const operations = [...session.operations.values()]
          .sort((a, b) =>
            a.operationId < b.operationId ? -1 : a.operationId > b.operationId ? 1 : 0,
          )
          .map((op) => operationCodec.decode(op.body, where(runtimeId, op.operationId)));
        return {
          runtimeId,
          lifecycle:
            session.lifecycle === null
              ? null
              : lifecycleCodec.decode(session.lifecycle.body, runtimeId),
          inputs,
          transcriptLength: session.transcript.length,
          eventHighWater: session.eventHighWater,
          receiptHighWater: session.receiptHighWater,
          operations,
          opsCursor:
            session.opsCursor === null ? null : opsCursorCodec.decode(session.opsCursor, runtimeId),
        };
      });
    },
    commit(runtimeId: RuntimeId, batch: CommitBatch, fence?: FenceToken): Promise<void> {
      return settle(() => {
        open();
        const encoded = encodeBatch(runtimeId, batch);
        const existing = sessions.get(runtimeId);
        const session = existing ?? createMemorySession();
        applyBatch(runtimeId, session, encoded, fence);
        if (existing === undefined) sessions.set(runtimeId, session);
      });
    },
    readEvents(runtimeId: RuntimeId, sinceSeq: number, limit: number): Promise<DurableEvent[]> {
      return settle(() => {
        open();
        const events = sessions.get(runtimeId)?.events ?? [];
        return events
          .filter((event) => event.seq > sinceSeq)
          .slice(0, Math.max(0, limit))
          .map((event) => eventCodec.decode(event.body, where(runtimeId, event.seq)));
      });
    },
    readReceipts(runtimeId: RuntimeId, sinceSeq: number, limit: number): Promise<RunReceipt[]> {
      return settle(() => {
        open();
        const receipts = [...(sessions.get(runtimeId)?.receipts.values() ?? [])];
        return receipts
          .filter((receipt) => receipt.seq > sinceSeq)
          .sort((a, b) => a.seq - b.seq)
          .slice(0, Math.max(0, limit))
          .map((receipt) => receiptCodec.decode(receipt.body, where(runtimeId, receipt.runId)));
      });
    },
    readTranscript(
      runtimeId: RuntimeId,
      offset: number,
      limit: number,
    ): Promise<TranscriptEntry[]> {
      return settle(() => {
        open();
        const transcript = sessions.get(runtimeId)?.transcript ?? [];
        const start = Math.max(0, offset);
        return transcript
          .slice(start, start + Math.max(0, limit))
          .map((body, i) => transcriptCodec.decode(body, where(runtimeId, start + i)));
      });
    },
    readInput(runtimeId: RuntimeId, inputId: string): Promise<InputRecord | null> {
      return settle(() => {
        open();
        const input = sessions.get(runtimeId)?.inputs.get(inputId);
        return input === undefined
          ? null
          : inputCodec.decode(input.body, where(runtimeId, inputId));
      });
    },
    readInputByIdempotencyKey(runtimeId: RuntimeId, key: string): Promise<InputRecord | null> {
      return settle(() => {
        open();
        let first: EncodedInput | null = null;
        // A scan: the memory store serves tests; the SQL stores use their index.
        for (const input of sessions.get(runtimeId)?.inputs.values() ?? []) {
          if (input.idempotencyKey === key && (first === null || input.seq < first.seq))
            first = input;
        }
        return first === null
          ? null
          : inputCodec.decode(first.body, where(runtimeId, first.inputId));
      });
    },
    listRecoverable(): Promise<RuntimeId[]> {
      return settle(() => {
        open();
        return recoverableLeases(sessions).map((lease) => lease.runtimeId);
      });
    },
    listRecoverableLeases(): Promise<RecoverableLease[]> {
      return settle(() => {
        open();
        return recoverableLeases(sessions);
      });
    },
    listSessions(offset: number, limit: number): Promise<StoredSessionSummary[]> {
      return settle(() => {
        open();
        return knownSessions(sessions, offset, limit);
      });
    },
    probe(): Promise<void> {
      return settle(open);
    },
    prune(policy: PrunePolicy): Promise<PruneReport> {
      return settle(() => {
        open();
        const total = { inputs: 0, receipts: 0, events: 0, operations: 0 };
        for (const session of sessions.values()) {
          const report = pruneMemorySession(session, policy);
          total.inputs += report.inputs;
          total.receipts += report.receipts;
          total.events += report.events;
          total.operations += report.operations;
        }
        return total;
      });
    },
    close(): Promise<void> {
      return settle(() => {
        closed = true;
      });
    },
    claim(
      runtimeId: RuntimeId,
      hostId: string,
      ttlMs: number,
      now: number,
      takeoverFrom?: string,
    ): Promise<FenceToken | null> {
      return settle(() => {
        open();
        const { lease } = sessionOf(runtimeId);
        const free = lease.owner === null || lease.expiresAt === null || lease.expiresAt <= now;
        const takeover = takeoverFrom !== undefined && lease.owner === takeoverFrom;
        if (!free && !takeover && lease.owner !== hostId) return null;
        lease.owner = hostId;
        lease.fenceToken += 1;
        lease.expiresAt = now + ttlMs;
        return lease.fenceToken;
      });
    },
    async claimMany(
      runtimeIds: readonly RuntimeId[],
      hostId: string,
      ttlMs: number,
      now: number,
    ): Promise<(FenceToken | null)[]> {
      const fences: (FenceToken | null)[] = [];
      for (const runtimeId of runtimeIds)
        fences.push(await store.claim(runtimeId, hostId, ttlMs, now));
      return fences;
    },
    owner(runtimeId: RuntimeId): Promise<{ hostId: string; expiresAt: number } | null> {
      return settle(() => {
        open();
        const lease = sessions.get(runtimeId)?.lease;
        if (lease === undefined || lease.owner === null || lease.expiresAt === null) return null;
        return { hostId: lease.owner, expiresAt: lease.expiresAt };
      });
    },
    renew(hostId: string, ttlMs: number, now: number): Promise<RuntimeId[]> {
      return settle(() => {
        open();
        const renewed: RuntimeId[] = [];
        for (const [runtimeId, { lease }] of sessions) {
          if (lease.owner === hostId && lease.expiresAt !== null && lease.expiresAt > now) {
            lease.expiresAt = now + ttlMs;
            renewed.push(runtimeId);
          }
        }
        return renewed;
      });
    },
    release(runtimeId: RuntimeId, hostId: string): Promise<void> {
      return settle(() => {
        open();
        const lease = sessions.get(runtimeId)?.lease;
        if (lease === undefined || lease.owner !== hostId) return;
        lease.owner = null;
        lease.expiresAt = null;
      });
    },
  } satisfies RuntimeStore;
  rewriters.set(store, (runtimeId, kind, edit) =>
    settle(() => {
      const session = sessions.get(runtimeId);
      if (session !== undefined) rewriteSessionRecords(session, kind, edit);
    }),
  );
  return store;
}

/**
 * Test hook: rewrites the stored JSON text of every record of `kind` in one session of a store made
 * by {@link memoryStore} (how the conformance suite plants an unknown record version).
 */
export async function rewriteMemoryRecords(
  store: RuntimeStore,
  ...args: Parameters<RecordRewriter>
): Promise<void> {
  const rewrite = rewriters.get(store);
  if (rewrite === undefined) throw new TypeError('not a store made by memoryStore()');
  await rewrite(...args);
}
