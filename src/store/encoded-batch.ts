// A commit batch validated and encoded up front, with the columns a store indexes: before any write.

import type { InputRecord } from '../core/input-record.js';
import { isTerminal } from '../core/input-record.js';
import type { Binding } from '../core/machine-state.js';
import type { DurableEvent } from '../core/runtime-event.js';
import { eventCodec } from './codecs/event-codec.js';
import { timestampMs } from './codecs/json-value.js';
import {
  inputCodec,
  lifecycleCodec,
  operationCodec,
  opsCursorCodec,
  receiptCodec,
  transcriptCodec,
} from './codecs/record-codecs.js';
import type { LifecycleRecord, OperationRecord, RunReceipt } from './records.js';
import type { CommitBatch, RuntimeId } from './runtime-store.js';
import { invalidBatch } from './store-errors.js';

/** An encoded lifecycle record; `bound` is true when any binding fact is set. */
export interface EncodedLifecycle {
  readonly phase: string;
  readonly bound: boolean;
  /** The session's epoch (`''` in the cleared lifecycle an unregister writes). */
  readonly epochId: string;
  readonly body: string;
}

/** An encoded input record with its indexed columns. */
export interface EncodedInput {
  readonly inputId: string;
  readonly seq: number;
  readonly status: string;
  readonly terminal: boolean;
  readonly lane: string;
  readonly attempts: number;
  readonly idempotencyKey: string | null;
  readonly updatedAtMs: number;
  readonly body: string;
}

/** An encoded run receipt. */
export interface EncodedReceipt {
  readonly runId: string;
  readonly seq: number;
  readonly atMs: number;
  readonly body: string;
}

/** An encoded transcript message. */
export interface EncodedTranscriptEntry {
  readonly index: number;
  readonly runId: string;
  readonly body: string;
}

/** An encoded event. */
export interface EncodedEvent {
  readonly seq: number;
  readonly type: string;
  readonly atMs: number;
  readonly body: string;
}

/** An encoded background operation; `finishedAtMs` is set for terminal ones. */
export interface EncodedOperation {
  readonly operationId: string;
  readonly kind: string;
  readonly status: string;
  readonly terminal: boolean;
  readonly completionSeq: number | null;
  readonly finishedAtMs: number | null;
  readonly body: string;
}

/** A whole {@link CommitBatch}, validated and encoded. */
export interface EncodedBatch {
  readonly lifecycle: EncodedLifecycle | null;
  readonly inputs: readonly EncodedInput[];
  readonly receipt: EncodedReceipt | null;
  readonly transcript: readonly EncodedTranscriptEntry[];
  readonly events: readonly EncodedEvent[];
  /** Applied before `operations`, so a batch may replace a session's whole operation set. */
  readonly deleteOperations: boolean;
  readonly operations: readonly EncodedOperation[];
  readonly opsCursor: string | null;
}

function isBound(binding: Binding): boolean {
  return (
    binding.runtimeId !== null ||
    binding.fenceToken !== null ||
    binding.generation !== null ||
    binding.epochId !== null
  );
}

// Each encoder runs the codec first, so the fields it reads afterwards are known to be well formed.

function encodeLifecycle(lifecycle: LifecycleRecord): EncodedLifecycle {
  const body = lifecycleCodec.encode(lifecycle);
  return {
    phase: lifecycle.phase,
    bound: isBound(lifecycle.binding),
    epochId: lifecycle.epochId,
    body,
  };
}

function encodeInput(input: InputRecord): EncodedInput {
  const body = inputCodec.encode(input);
  return {
    inputId: input.header.inputId,
    seq: input.seq,
    status: input.state.status,
    terminal: isTerminal(input.state),
    lane: input.decision.lane,
    attempts: input.attempts,
    idempotencyKey: input.header.idempotencyKey,
    updatedAtMs: timestampMs(input.updatedAt),
    body,
  };
}

function encodeReceipt(receipt: RunReceipt): EncodedReceipt {
  const body = receiptCodec.encode(receipt);
  return { runId: receipt.runId, seq: receipt.seq, atMs: timestampMs(receipt.at), body };
}

function encodeEvent(event: DurableEvent): EncodedEvent {
  const body = eventCodec.encode(event);
  return { seq: event.seq, type: event.type, atMs: timestampMs(event.at), body };
}

function encodeOperation(op: OperationRecord): EncodedOperation {
  const body = operationCodec.encode(op);
  const { operationId, kind, status, terminal, completionSeq, finishedAt } = op;
  const finishedAtMs = finishedAt === null ? null : timestampMs(finishedAt);
  return { operationId, kind, status, terminal, completionSeq, finishedAtMs, body };
}

function checkUnique(runtimeId: RuntimeId, what: string, keys: readonly (string | number)[]): void {
  const seen = new Set<string | number>();
  for (const key of keys) {
    if (seen.has(key)) throw invalidBatch(runtimeId, `${what} ${String(key)} appears twice`);
    seen.add(key);
  }
}

function checkIncreasing(
  runtimeId: RuntimeId,
  what: string,
  keys: readonly number[],
  contiguous: boolean,
): void {
  for (let i = 1; i < keys.length; i += 1) {
    const prev = keys[i - 1] ?? 0;
    const next = keys[i] ?? 0;
    if (contiguous ? next !== prev + 1 : next <= prev) {
      throw invalidBatch(runtimeId, `${what} ${next} follows ${prev}`);
    }
  }
}

/**
 * Validates and encodes every record of `batch` (throwing `internal` naming the first bad one) and
 * checks the batch against itself: transcript indexes contiguous, event seqs increasing, no input,
 * input seq or operation twice. Checks against stored data happen inside the store's transaction.
 */
export function encodeBatch(runtimeId: RuntimeId, batch: CommitBatch): EncodedBatch {
  const inputs = (batch.inputs ?? []).map(encodeInput);
  const transcript = (batch.transcript ?? []).map((entry) => ({
    index: entry.index,
    runId: entry.runId,
    body: transcriptCodec.encode(entry),
  }));
  const events = (batch.events ?? []).map(encodeEvent);
  const operations = (batch.operations ?? []).map(encodeOperation);
  checkUnique(
    runtimeId,
    'input',
    inputs.map((input) => input.inputId),
  );
  checkUnique(
    runtimeId,
    'input seq',
    inputs.map((input) => input.seq),
  );
  checkUnique(
    runtimeId,
    'operation',
    operations.map((op) => op.operationId),
  );
  checkIncreasing(
    runtimeId,
    'transcript index',
    transcript.map((entry) => entry.index),
    true,
  );
  checkIncreasing(
    runtimeId,
    'event seq',
    events.map((event) => event.seq),
    false,
  );
  return {
    lifecycle: batch.lifecycle === undefined ? null : encodeLifecycle(batch.lifecycle),
    inputs,
    receipt: batch.receipt === undefined ? null : encodeReceipt(batch.receipt),
    transcript,
    events,
    deleteOperations: batch.deleteOperations === true,
    operations,
    opsCursor: batch.opsCursor === undefined ? null : opsCursorCodec.encode(batch.opsCursor),
  };
}
