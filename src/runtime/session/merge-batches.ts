// Several commit batches of one session, computed one after another, as one batch with the same
// effect: what the later ones upsert wins, what they insert follows. Used by the session's writer to
// write the accepts that queued behind a write in one transaction.

import type { CommitBatch } from '../../store/runtime-store.js';

function lastById<T>(items: readonly T[], id: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [id(item), item])).values()];
}

/**
 * `batches` (in the order they were computed) as one batch. A receipt may come from one batch only
 * and none may delete the operations: such batches are never merged (they are not accepts), and a
 * merge that meets one is a bug, so it throws rather than reorder a delete.
 */
export function mergeBatches(batches: readonly CommitBatch[]): CommitBatch {
  if (batches.some((batch) => batch.deleteOperations === true))
    throw new Error('a batch that deletes operations cannot be merged');
  const receipts = batches.flatMap((batch) => (batch.receipt === undefined ? [] : [batch.receipt]));
  if (receipts.length > 1) throw new Error('two run receipts cannot share one merged batch');
  const lifecycle = batches.findLast((batch) => batch.lifecycle !== undefined)?.lifecycle;
  const opsCursor = batches.findLast((batch) => batch.opsCursor !== undefined)?.opsCursor;
  const inputs = lastById(
    batches.flatMap((batch) => batch.inputs ?? []),
    (record) => record.header.inputId,
  );
  const operations = lastById(
    batches.flatMap((batch) => batch.operations ?? []),
    (operation) => operation.operationId,
  );
  const transcript = batches.flatMap((batch) => batch.transcript ?? []);
  const events = batches.flatMap((batch) => batch.events ?? []);
  const receipt = receipts[0];
  return {
    ...(lifecycle === undefined ? {} : { lifecycle }),
    ...(inputs.length > 0 ? { inputs } : {}),
    ...(receipt === undefined ? {} : { receipt }),
    ...(transcript.length > 0 ? { transcript } : {}),
    ...(events.length > 0 ? { events } : {}),
    ...(operations.length > 0 ? { operations } : {}),
    ...(opsCursor === undefined ? {} : { opsCursor }),
  };
}
