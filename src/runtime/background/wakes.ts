// Delivering the wakes of finished operations: the continuation of every feed entry past the
// `observed` cursor, in sequence order, then `observed` moved past what was delivered.
//
// After a terminal step of a waking kind (`background_tool`), the continuation of every feed
// entry past the `observed` cursor is admitted through `admitContinuation`, in sequence order, and
// `observed` then moves past what was delivered (one more `persist`). The continuation is admitted
// whether or not the session is idle: when idle it wakes the session; when a turn is running,
// admission steers it into that turn at its next boundary (continuations are steer-lane priority
// inputs), or it starts the next turn. `isIdle()` is sampled only to report which of the two
// happened. A failed admission (store down, session retired) never fails the step that already
// landed: delivery stops there, `observed` stays, and the next finish or `deliverPending()` retries.
// The idempotency key `op:<epoch>:<seq>` makes a redelivery collapse into the first admission.

import { toError } from '../../core/errors.js';
import type { InputSubmission } from '../../core/input-kinds.js';
import { continuationFor } from '../../core/background/continuation.js';
import { unobserved } from '../../core/background/feed.js';
import type { Operation, OpsState } from '../../core/background/state.js';
import { findOperation } from '../../core/background/state.js';
import type { FinishReport } from './contract.js';

/** A continuation that was admitted, and whether the session was idle at that moment. */
export interface DeliveredWake {
  readonly seq: number;
  readonly operationId: string;
  readonly idle: boolean;
}

/** What delivery needs from the registry. */
export interface WakeHooks {
  readonly admit: (input: InputSubmission) => Promise<void>;
  readonly isIdle: () => boolean;
  /** Reports a failure that does not fail the caller (an operator notice). */
  readonly notice: (message: string) => void;
  /** Moves `observed` to `seq` durably (persist, then install); throws when the write failed. */
  readonly observe: (seq: number) => Promise<void>;
}

/**
 * Walks the feed past `observed`. Entries of kinds that wake nobody are passed over; a waking entry
 * is passed only once its continuation was admitted. The first failed admission stops the walk, so
 * `observed` stays a watermark below which every wake was delivered. A failed cursor write is only
 * reported: the continuations already landed, and their redelivery deduplicates.
 */
export async function deliverWakes(
  state: OpsState,
  hooks: WakeHooks,
): Promise<{ readonly delivered: readonly DeliveredWake[] }> {
  if (!state.open) return { delivered: [] };
  const delivered: DeliveredWake[] = [];
  let through = state.cursors.observed;
  for (const notice of unobserved(state)) {
    const meta = findOperation(state, notice.operationId)?.meta ?? null;
    const submission = continuationFor(state.epochId, notice, meta);
    if (submission !== null) {
      const idle = hooks.isIdle();
      try {
        await hooks.admit(submission);
      } catch (error: unknown) {
        hooks.notice(
          `continuation of operation ${notice.operationId} (completion ${notice.seq}) not admitted, will retry: ${toError(error).message}`,
        );
        break;
      }
      delivered.push({ seq: notice.seq, operationId: notice.operationId, idle });
    }
    through = notice.seq;
  }
  if (through > state.cursors.observed) {
    try {
      await hooks.observe(through);
    } catch (error: unknown) {
      hooks.notice(
        `observed cursor not saved at ${through}, wakes may be delivered again: ${toError(error).message}`,
      );
    }
  }
  return { delivered };
}

/**
 * What a terminal step reports once delivery ran: `admitted` (with whether the session was idle) when
 * its own continuation was among those delivered, else `pending` (delivery failed or stopped before it).
 */
export function wakeReport(
  operation: Operation,
  delivered: readonly DeliveredWake[],
): FinishReport {
  const mine = delivered.find((d) => d.seq === operation.completionSeq);
  return mine === undefined
    ? { operation, continuation: 'pending', sessionWasIdle: null }
    : { operation, continuation: 'admitted', sessionWasIdle: mine.idle };
}
