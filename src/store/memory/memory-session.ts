// One session as the memory store holds it: encoded records only, plus the lease, and how a batch applies.

import type {
  EncodedBatch,
  EncodedEvent,
  EncodedInput,
  EncodedLifecycle,
} from '../encoded-batch.js';
import type { EncodedOperation, EncodedReceipt } from '../encoded-batch.js';
import type { StoredFacts } from '../commit-checks.js';
import { checkAgainstStored, highWatersAfter } from '../commit-checks.js';
import type { FenceToken, RuntimeId } from '../runtime-store.js';

/** A session's lease: who owns it, until when, and the fence token of the latest claim (0: never claimed). */
export interface MemoryLease {
  owner: string | null;
  expiresAt: number | null;
  fenceToken: FenceToken;
}

/**
 * Everything stored for one session. Bodies are codec output (JSON text), so every read decodes;
 * the memory store can no more hide a serialisation bug than a durable one.
 */
export interface MemorySession {
  /** False until a commit lands: a claim alone does not make a session exist for `load`. */
  committed: boolean;
  lifecycle: EncodedLifecycle | null;
  readonly inputs: Map<string, EncodedInput>;
  /** Admission seq -> input id, kept with `inputs` (so a commit's checks cost O(batch), not O(history)). */
  readonly inputIdBySeq: Map<number, string>;
  readonly receipts: Map<string, EncodedReceipt>;
  /** Encoded transcript entries; the array position is the entry's index. */
  readonly transcript: string[];
  /** Ascending by seq. */
  events: EncodedEvent[];
  readonly operations: Map<string, EncodedOperation>;
  opsCursor: string | null;
  eventHighWater: number;
  receiptHighWater: number;
  readonly lease: MemoryLease;
}

/** An empty session (what a first commit or claim creates). */
export function createMemorySession(): MemorySession {
  return {
    committed: false,
    lifecycle: null,
    inputs: new Map(),
    inputIdBySeq: new Map(),
    receipts: new Map(),
    transcript: [],
    events: [],
    operations: new Map(),
    opsCursor: null,
    eventHighWater: 0,
    receiptHighWater: 0,
    lease: { owner: null, expiresAt: null, fenceToken: 0 },
  };
}

function factsOf(session: MemorySession): StoredFacts {
  const bySeq = session.inputIdBySeq;
  return {
    fenceToken: session.lease.fenceToken,
    transcriptLength: session.transcript.length,
    eventHighWater: session.eventHighWater,
    receiptHighWater: session.receiptHighWater,
    hasReceipt: (runId) => session.receipts.has(runId),
    inputAtSeq: (seq) => bySeq.get(seq) ?? null,
    terminalInputChanged: (input) => {
      const stored = session.inputs.get(input.inputId);
      return stored?.terminal === true && stored.body !== input.body;
    },
  };
}

/**
 * Applies `batch` to `session` all-or-nothing: every check runs before the first mutation, and the
 * mutations below cannot throw, so a refused batch leaves the session exactly as it was.
 */
export function applyBatch(
  runtimeId: RuntimeId,
  session: MemorySession,
  batch: EncodedBatch,
  fence: FenceToken | undefined,
): void {
  const facts = factsOf(session);
  checkAgainstStored(runtimeId, batch, facts, fence);
  const highWaters = highWatersAfter(batch, facts);
  session.committed = true;
  if (batch.lifecycle !== null) session.lifecycle = batch.lifecycle;
  for (const input of batch.inputs) {
    const previous = session.inputs.get(input.inputId);
    if (previous !== undefined) session.inputIdBySeq.delete(previous.seq);
    session.inputs.set(input.inputId, input);
    session.inputIdBySeq.set(input.seq, input.inputId);
  }
  if (batch.receipt !== null) session.receipts.set(batch.receipt.runId, batch.receipt);
  for (const entry of batch.transcript) session.transcript.push(entry.body);
  // In place: the checks above already passed and nothing below can throw (all-or-nothing holds).
  for (const event of batch.events) session.events.push(event);
  if (batch.deleteOperations) {
    session.operations.clear();
    session.opsCursor = null;
  }
  for (const op of batch.operations) session.operations.set(op.operationId, op);
  if (batch.opsCursor !== null) session.opsCursor = batch.opsCursor;
  session.eventHighWater = highWaters.eventHighWater;
  session.receiptHighWater = highWaters.receiptHighWater;
}
