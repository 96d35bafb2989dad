// The checks of the three-host test, from the store (what committed) and the side file (what ran):
// every acknowledged input ended in exactly one terminal state; no turn committed twice and no input
// was consumed by two committed runs; every committed run ran on the host that held the session's
// lease, with fence tokens that never go back and one process per fence token.

import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import type { Ack } from './host-clients.js';
import type { SideRecord } from './host-fleet.js';

const TERMINAL = new Set(['consumed', 'superseded', 'coalesced', 'abandoned']);

/** What the checks found. */
export interface CheckReport {
  readonly violations: string[];
  /** Committed runs (receipts), runs started (side file), and runs that started but never committed. */
  readonly committed: number;
  readonly started: number;
  readonly uncommitted: number;
  /** The pid that committed each run. */
  readonly committedBy: ReadonlyMap<string, number>;
  /** The run that consumed each consumed input (`session/input`). */
  readonly consumedBy: ReadonlyMap<string, string>;
}

/** The acknowledged inputs that are not terminal in the store yet. */
export async function unfinished(store: RuntimeStore, acks: readonly Ack[]): Promise<string[]> {
  const missing: string[] = [];
  for (const { sessionId, inputId } of acks) {
    const record = await store.readInput(runtimeIdOf(sessionId), inputId);
    const status = record?.state.status ?? 'missing';
    if (!TERMINAL.has(status)) missing.push(`${sessionId}/${inputId}: ${status}`);
  }
  return missing;
}

/** Runs every check (see the file header). */
export async function checkHosts(
  store: RuntimeStore,
  sessions: readonly string[],
  acks: readonly Ack[],
  side: readonly SideRecord[],
): Promise<CheckReport> {
  const violations: string[] = [];
  const runs = new Map<string, Extract<SideRecord, { t: 'run' }>>();
  for (const record of side) {
    if (record.t !== 'run') continue;
    if (runs.has(record.runId)) violations.push(`run ${record.runId} started twice`);
    runs.set(record.runId, record);
  }
  const consumedBy = new Map<string, string>();
  const committedBy = new Map<string, number>();
  for (const sessionId of sessions) {
    const rt = runtimeIdOf(sessionId);
    const receipts = await store.readReceipts(rt, 0, Number.POSITIVE_INFINITY);
    const fenceOwner = new Map<number, number>();
    let lastSeq = 0;
    let lastFence = 0;
    for (const receipt of receipts) {
      const where = `${sessionId} receipt ${receipt.seq} (${receipt.runId})`;
      if (receipt.seq <= lastSeq) violations.push(`${where}: seq after ${lastSeq}`);
      lastSeq = receipt.seq;
      if (committedBy.has(receipt.runId)) violations.push(`${where}: run committed twice`);
      const run = runs.get(receipt.runId);
      if (run === undefined) {
        violations.push(`${where}: no executor ran it`);
        continue;
      }
      committedBy.set(receipt.runId, run.pid);
      // The run started under this host's lease; its commit landed, so the fence was still the same.
      if (run.lease?.owner !== run.host)
        violations.push(`${where}: ran on ${run.host} while ${run.lease?.owner} owned the session`);
      const fence = run.lease?.fence ?? 0;
      if (fence < lastFence) violations.push(`${where}: fence ${fence} after ${lastFence}`);
      lastFence = fence;
      const owner = fenceOwner.get(fence);
      if (owner !== undefined && owner !== run.pid)
        violations.push(`${where}: fence ${fence} committed by pids ${owner} and ${run.pid}`);
      fenceOwner.set(fence, run.pid);
      if (receipt.outcome !== 'completed') continue;
      for (const inputId of receipt.inputIds) {
        const key = `${sessionId}/${inputId}`;
        const earlier = consumedBy.get(key);
        if (earlier !== undefined)
          violations.push(`${key}: consumed by ${earlier} and ${receipt.runId}`);
        consumedBy.set(key, receipt.runId);
      }
    }
    const transcript = await store.readTranscript(rt, 0, Number.POSITIVE_INFINITY);
    transcript.forEach((message, i) => {
      if (message.index !== i) violations.push(`${sessionId}: transcript index ${message.index}`);
      if (!committedBy.has(message.runId))
        violations.push(`${sessionId}: transcript message of uncommitted run ${message.runId}`);
    });
  }
  for (const { sessionId, inputId } of acks) {
    const key = `${sessionId}/${inputId}`;
    const record = await store.readInput(runtimeIdOf(sessionId), inputId);
    const status = record?.state.status ?? 'missing';
    if (!TERMINAL.has(status)) violations.push(`${key}: acknowledged, ${status}`);
    if (record?.state.status === 'consumed' && consumedBy.get(key) !== record.state.runId)
      violations.push(
        `${key}: consumed by ${record.state.runId}, receipt says ${consumedBy.get(key)}`,
      );
    if (status !== 'consumed' && consumedBy.has(key))
      violations.push(`${key}: ${status}, yet a committed run consumed it`);
  }
  return {
    violations,
    committed: committedBy.size,
    started: runs.size,
    uncommitted: [...runs.keys()].filter((runId) => !committedBy.has(runId)).length,
    committedBy,
    consumedBy,
  };
}
