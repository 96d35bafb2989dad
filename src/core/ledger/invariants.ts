// The ledger's own invariants (02), checked like the machine's: each has a name; the check lists the broken ones.

import type { InputRecord } from './input-record.js';
import { isTerminal } from './input-record.js';
import type { Ledger } from './input-ledger.js';
import { sharedCollectionsEmpty } from './input-ledger.js';

/**
 * Names of the ledger invariants `ledger` violates, given the run the machine has bound (or null):
 * - `single_lane`: no input in two lanes, or twice in one;
 * - `lane_members_queued`: lane members are live, queued, and in the lane their decision names;
 * - `queued_in_lane`: every live queued input is in a lane;
 * - `staged_bound_to_run`: a staged or applied input belongs to the bound run;
 * - `terminal_out_of_lanes`: terminal inputs are in no lane and not live; live inputs are not terminal;
 * - `unique_sequences`: admission sequence numbers are unique and below `nextSeq`;
 * - `index_points_home`: every idempotency key points at a retained input carrying that key;
 * - `priority_first`: in the queue lane, priority inputs precede ordinary ones;
 * - `retained_within_bounds`: the retained terminal inputs fit the pool's per-session bound;
 * - `shared_collections_empty`: the empty collections new ledgers share were never written to.
 */
export function checkLedgerInvariants(ledger: Ledger, boundRunId: string | null): string[] {
  const broken = new Set<string>();
  const laneOf = new Map<string, string>();
  for (const [name, ids] of Object.entries(ledger.lanes)) {
    for (const id of ids) {
      if (laneOf.has(id)) broken.add('single_lane');
      laneOf.set(id, name);
      const record = ledger.live.get(id);
      if (record === undefined || record.state.status !== 'queued' || record.decision.lane !== name)
        broken.add('lane_members_queued');
    }
  }
  const seqs = new Set<number>();
  const all: InputRecord[] = [...ledger.live.values(), ...ledger.terminal.values()];
  for (const record of ledger.live.values()) {
    const { status } = record.state;
    if (isTerminal(record.state)) broken.add('terminal_out_of_lanes');
    if (
      status === 'queued' &&
      record.decision.lane !== 'none' &&
      !laneOf.has(record.header.inputId)
    )
      broken.add('queued_in_lane');
    if (
      (record.state.status === 'staged' || record.state.status === 'applied') &&
      record.state.runId !== boundRunId
    ) {
      broken.add('staged_bound_to_run');
    }
  }
  for (const record of ledger.terminal.values()) {
    if (
      !isTerminal(record.state) ||
      laneOf.has(record.header.inputId) ||
      ledger.live.has(record.header.inputId)
    ) {
      broken.add('terminal_out_of_lanes');
    }
  }
  for (const record of all) {
    if (seqs.has(record.seq) || record.seq >= ledger.nextSeq) broken.add('unique_sequences');
    seqs.add(record.seq);
  }
  for (const [key, id] of ledger.idempotency) {
    const record = ledger.live.get(id) ?? ledger.terminal.get(id);
    if (record === undefined || record.header.idempotencyKey !== key)
      broken.add('index_points_home');
  }
  const queue = ledger.lanes.queue.map((id) => ledger.live.get(id)?.decision.queueMode);
  const firstOrdinary = queue.findIndex((mode) => mode !== 'priority');
  if (firstOrdinary >= 0 && queue.slice(firstOrdinary).includes('priority'))
    broken.add('priority_first');
  const bound = ledger.pool.perSession;
  if (ledger.terminal.size > bound.records || ledger.retainedBytes > bound.bytes)
    broken.add('retained_within_bounds');
  if (!sharedCollectionsEmpty()) broken.add('shared_collections_empty');
  return [...broken].sort();
}
