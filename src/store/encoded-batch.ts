// A commit batch validated and encoded up front, with the columns a store indexes: before any write.

import type { InputRecord } from '../core/ledger/input-record.js';
import { isTerminal } from '../core/ledger/input-record.js';
import type { Binding } from '../core/machine/state.js';
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
  /** The epoch of the event's id when `body` is a store's compact form that leaves the id out. */
  readonly epoch: string | null;
}

/**
 * A store's own, shorter form of some records' bodies (SQLite's compact rows); each returns null for
 * a record it cannot shorten, which is then stored as its codec's whole JSON. Records are validated
 * before they are handed here.
 */
export interface BodyForms {
  input(runtimeId: RuntimeId, input: InputRecord): string | null;
  receipt(receipt: RunReceipt): string | null;
  event(runtimeId: RuntimeId, event: DurableEvent): { body: string; epoch: string } | null;
}

/** Every record as its codec's whole JSON. */
const WHOLE_JSON: BodyForms = { input: () => null, receipt: () => null, event: () => null };

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

function encodeInput(runtimeId: RuntimeId, input: InputRecord, forms: BodyForms): EncodedInput {
  inputCodec.validate(input);
  const body = forms.input(runtimeId, input) ?? JSON.stringify(input);
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

function encodeReceipt(receipt: RunReceipt, forms: BodyForms): EncodedReceipt {
  receiptCodec.validate(receipt);
  const body = forms.receipt(receipt) ?? JSON.stringify(receipt);
  return { runId: receipt.runId, seq: receipt.seq, atMs: timestampMs(receipt.at), body };
}

function encodeEvent(runtimeId: RuntimeId, event: DurableEvent, forms: BodyForms): EncodedEvent {
  eventCodec.validate(event);
  const compact = forms.event(runtimeId, event);
  const { seq, type } = event;
  const atMs = timestampMs(event.at);
  return compact === null
    ? { seq, type, atMs, body: JSON.stringify(event), epoch: null }
    : { seq, type, atMs, body: compact.body, epoch: compact.epoch };
}

function encodeOperation(op: OperationRecord): EncodedOperation {
  const body = operationCodec.encode(op);
  const { operationId, kind, status, terminal, completionSeq, finishedAt } = op;
  const finishedAtMs = finishedAt === null ? null : timestampMs(finishedAt);
  return { operationId, kind, status, terminal, completionSeq, finishedAtMs, body };
}

function checkUnique(runtimeId: RuntimeId, what: string, keys: readonly (string | number)[]): void {
  if (keys.length < 2) return;
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
 * Everything is encoded in this call, so a caller that changes its objects afterwards cannot change
 * what is written; `forms` gives a store's own shorter bodies.
 */
export function encodeBatch(
  runtimeId: RuntimeId,
  batch: CommitBatch,
  forms: BodyForms = WHOLE_JSON,
): EncodedBatch {
  const inputs = (batch.inputs ?? []).map((input) => encodeInput(runtimeId, input, forms));
  const transcript = (batch.transcript ?? []).map((entry) => ({
    index: entry.index,
    runId: entry.runId,
    body: transcriptCodec.encode(entry),
  }));
  const events = (batch.events ?? []).map((event) => encodeEvent(runtimeId, event, forms));
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
    receipt: batch.receipt === undefined ? null : encodeReceipt(batch.receipt, forms),
    transcript,
    events,
    deleteOperations: batch.deleteOperations === true,
    operations,
    opsCursor: batch.opsCursor === undefined ? null : opsCursorCodec.encode(batch.opsCursor),
  };
}
