// Reading a ledger: an input by id, a lane's records, the live ids, a run's members, counts by status.

import type { Ledger, QueueLane } from './input-ledger.js';
import type { InputRecord, InputStatus } from './input-record.js';

/** An input by id, live or retained. */
export function findInput(ledger: Ledger, inputId: string): InputRecord | undefined {
  return ledger.live.get(inputId) ?? ledger.terminal.get(inputId);
}

/** The queued records of a lane, in order. */
export function laneRecords(ledger: Ledger, lane: QueueLane): InputRecord[] {
  return ledger.lanes[lane]
    .map((id) => ledger.live.get(id))
    .filter((r): r is InputRecord => r !== undefined);
}

/** The live (non-terminal) input ids: queued, staged or applied. */
export function activeInputIds(ledger: Ledger): string[] {
  return [...ledger.live.keys()];
}

/** True when some input is queued in either lane. */
export function hasQueuedWork(ledger: Ledger): boolean {
  return ledger.lanes.queue.length > 0 || ledger.lanes.steer.length > 0;
}

/** Live records bound to `runId` (staged or applied), in admission order. */
export function runMembers(ledger: Ledger, runId: string): InputRecord[] {
  return [...ledger.live.values()]
    .filter(
      (r) =>
        (r.state.status === 'staged' || r.state.status === 'applied') && r.state.runId === runId,
    )
    .sort((a, b) => a.seq - b.seq);
}

/** Counts of inputs by status (live and retained). */
export function countByStatus(ledger: Ledger): Record<InputStatus, number> {
  const counts: Record<InputStatus, number> = {
    queued: 0,
    staged: 0,
    applied: 0,
    consumed: 0,
    superseded: 0,
    coalesced: 0,
    abandoned: 0,
  };
  for (const r of ledger.live.values()) counts[r.state.status] += 1;
  for (const r of ledger.terminal.values()) counts[r.state.status] += 1;
  return counts;
}
