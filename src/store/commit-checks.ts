// The checks a commit batch must pass against what is stored, run inside the store's transaction.

import type { EncodedBatch, EncodedInput } from './encoded-batch.js';
import type { FenceToken, RuntimeId } from './runtime-store.js';
import { duplicateKey, fencedCommit, invalidBatch } from './store-errors.js';

/** What a store knows about a session at the start of a commit, as the checks need it. */
export interface StoredFacts {
  /** The lease's fence token; 0 for a session that was never claimed. */
  readonly fenceToken: FenceToken;
  readonly transcriptLength: number;
  /** The highest event seq ever stored (pruning does not lower it). */
  readonly eventHighWater: number;
  /** The highest receipt seq ever stored (pruning does not lower it). */
  readonly receiptHighWater: number;
  hasReceipt(runId: string): boolean;
  /** The id of the stored input holding admission `seq`, or null. */
  inputAtSeq(seq: number): string | null;
  /** True when `input` is stored terminal with a different record. */
  terminalInputChanged(input: EncodedInput): boolean;
}

/**
 * Throws the first reason `batch` may not be applied on top of `facts`: `fenced` when `fence` is
 * given and is not the lease's token (checked first: a stale owner learns it lost the session, not
 * that its writes collide with the new owner's), else `internal` for a key that is already stored,
 * a transcript that would leave a gap, or a stored terminal input rewritten with a different record
 * (history only grows; writing the same record again is allowed).
 */
export function checkAgainstStored(
  runtimeId: RuntimeId,
  batch: EncodedBatch,
  facts: StoredFacts,
  fence: FenceToken | undefined,
): void {
  if (fence !== undefined && fence !== facts.fenceToken) {
    throw fencedCommit(runtimeId, fence, facts.fenceToken);
  }
  const { receipt, transcript, events, inputs } = batch;
  if (receipt !== null) {
    if (facts.hasReceipt(receipt.runId))
      throw duplicateKey(runtimeId, `the receipt of run ${receipt.runId}`);
    if (receipt.seq <= facts.receiptHighWater) {
      throw duplicateKey(
        runtimeId,
        `receipt seq ${receipt.seq} (receipts reach ${facts.receiptHighWater})`,
      );
    }
  }
  const first = transcript[0];
  if (first !== undefined && first.index !== facts.transcriptLength) {
    if (first.index < facts.transcriptLength) {
      throw duplicateKey(runtimeId, `transcript index ${first.index}`);
    }
    throw invalidBatch(
      runtimeId,
      `transcript index ${first.index} leaves a gap (the transcript has ${facts.transcriptLength} messages)`,
    );
  }
  const firstEvent = events[0];
  if (firstEvent !== undefined && firstEvent.seq <= facts.eventHighWater) {
    throw duplicateKey(
      runtimeId,
      `event seq ${firstEvent.seq} (events reach ${facts.eventHighWater})`,
    );
  }
  for (const input of inputs) {
    const holder = facts.inputAtSeq(input.seq);
    if (holder !== null && holder !== input.inputId) {
      throw duplicateKey(runtimeId, `input seq ${input.seq} (held by input ${holder})`);
    }
    if (facts.terminalInputChanged(input)) {
      throw invalidBatch(
        runtimeId,
        `input ${input.inputId} is stored terminal and its record cannot change`,
      );
    }
  }
}

/** The highest event and receipt seqs after `batch` lands. */
export function highWatersAfter(
  batch: EncodedBatch,
  facts: Pick<StoredFacts, 'eventHighWater' | 'receiptHighWater'>,
): { eventHighWater: number; receiptHighWater: number } {
  const lastEvent = batch.events[batch.events.length - 1];
  return {
    eventHighWater: Math.max(facts.eventHighWater, lastEvent?.seq ?? 0),
    receiptHighWater: Math.max(facts.receiptHighWater, batch.receipt?.seq ?? 0),
  };
}
