// The named invariants of the background-operations state and `checkOpsInvariants`.

import { isSequence } from './guards.js';
import { isOpKind, isOpStatus, isTerminalOpStatus, OP_KINDS, REASON_STATUSES } from './kinds.js';
import type { Operation, OpsState } from './state.js';
import { feedEnd, OPS_CURSORS } from './state.js';

/** An invariant: a name, what it says, and the predicate that holds in every reachable state. */
export interface OpsInvariantSpec {
  readonly name: string;
  readonly description: string;
  readonly holds: (state: OpsState) => boolean;
}

const inFeed = (op: Operation): boolean => isOpKind(op.kind) && OP_KINDS[op.kind].inFeed;
const ended = (op: Operation): boolean => isOpStatus(op.status) && isTerminalOpStatus(op.status);

function feedMatchesOperations(state: OpsState): boolean {
  const expected = state.operations
    .filter((op) => ended(op) && inFeed(op))
    .map((op) => ({ seq: op.completionSeq, operationId: op.operationId }))
    .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return (
    expected.length === state.feed.length &&
    expected.every(
      (e, i) => e.seq === state.feed[i]?.seq && e.operationId === state.feed[i]?.operationId,
    )
  );
}

/** Every invariant of the ops state. */
export const OPS_INVARIANTS: readonly OpsInvariantSpec[] = [
  {
    name: 'known_values',
    description: 'every operation has a known kind and status, a non-empty id, and ids are unique',
    holds: (s) =>
      s.operations.every(
        (op) => isOpKind(op.kind) && isOpStatus(op.status) && op.operationId !== '',
      ) && new Set(s.operations.map((op) => op.operationId)).size === s.operations.length,
  },
  {
    name: 'next_seq_valid',
    description: 'the next completion sequence number is an integer of at least 1',
    holds: (s) => isSequence(s.nextCompletionSeq) && s.nextCompletionSeq >= 1,
  },
  {
    name: 'completion_seqs_unique_and_below_next',
    description: 'completion sequence numbers are unique integers in [1, next - 1]',
    holds: (s) => {
      const seqs = s.operations.flatMap((op) =>
        op.completionSeq === null ? [] : [op.completionSeq],
      );
      return (
        new Set(seqs).size === seqs.length &&
        seqs.every((seq) => isSequence(seq) && seq >= 1 && seq < s.nextCompletionSeq)
      );
    },
  },
  {
    name: 'terminal_iff_seq_for_feed_kinds',
    description:
      'an operation of a feed kind is terminal exactly when it has a completion sequence number',
    holds: (s) =>
      s.operations.every((op) => !inFeed(op) || ended(op) === (op.completionSeq !== null)),
  },
  {
    name: 'non_feed_kinds_have_no_seq',
    description:
      'an operation of a kind outside the feed (capacity slot) never has a completion sequence number',
    holds: (s) => s.operations.every((op) => inFeed(op) || op.completionSeq === null),
  },
  {
    name: 'feed_matches_operations',
    description:
      'the feed lists exactly the finished feed-kind operations, in strictly increasing sequence order',
    holds: (s) =>
      feedMatchesOperations(s) &&
      s.feed.every((e, i) => i === 0 || (s.feed[i - 1]?.seq ?? Infinity) < e.seq),
  },
  {
    name: 'cursors_in_range',
    description: 'each cursor (applied, observed, injected) is an integer in [0, next - 1]',
    holds: (s) => OPS_CURSORS.every((c) => isSequence(s.cursors[c]) && s.cursors[c] <= feedEnd(s)),
  },
  {
    name: 'terminal_shape',
    description:
      'an operation is terminal exactly when it has a finish time and the status it ended from',
    holds: (s) =>
      s.operations.every(
        (op) => ended(op) === (op.finishedAt !== null) && ended(op) === (op.endedFrom !== null),
      ),
  },
  {
    name: 'aborted_from_provisioning',
    description: 'an aborted operation was provisioning when it ended',
    holds: (s) =>
      s.operations.every((op) => op.status !== 'aborted' || op.endedFrom === 'provisioning'),
  },
  {
    name: 'outcome_shape',
    description:
      'only a completed operation has a non-null result; failed, aborted, cancelled and terminated ones have a reason, others none',
    holds: (s) =>
      s.operations.every(
        (op) =>
          (op.result === null || op.status === 'completed') &&
          (REASON_STATUSES as readonly string[]).includes(op.status) ===
            (typeof op.reason === 'string' && op.reason.length > 0),
      ),
  },
  {
    name: 'closed_has_nothing_in_flight',
    description: 'once the session is unregistered, no operation is in flight',
    holds: (s) => s.open || s.operations.every(ended),
  },
];

/** Names of every invariant `state` violates (empty when all hold). */
export function checkOpsInvariants(state: OpsState): string[] {
  return OPS_INVARIANTS.filter((invariant) => {
    try {
      return !invariant.holds(state);
    } catch {
      return true;
    }
  }).map((invariant) => invariant.name);
}
