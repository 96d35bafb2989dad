// The checks after a crash, read from the store and the side file: every acknowledged input is there
// (and, once drained, terminal), no input was consumed by two committed runs or ran again after its
// committed run, and the transcript holds each committed run's messages exactly once.

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import type { InputRecord } from '../../src/core/ledger/input-record.js';
import { isTerminal } from '../../src/core/ledger/input-record.js';
import type { RunReceipt, TranscriptEntry } from '../../src/store/records.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SideRecord } from './crash-protocol.js';
import { turnMessages } from './crash-protocol.js';
import type { RuntimeId } from '../../src/store/runtime-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

/** What a check found: violations (empty when everything holds) and counts for the log. */
export interface CheckReport {
  readonly violations: string[];
  readonly inputs: number;
  readonly byState: Record<string, number>;
  readonly receipts: number;
  readonly runsStarted: number;
  /** Started runs that never committed (their inputs ran again later: allowed). */
  readonly uncommittedRuns: number;
}

interface SessionData {
  readonly runtimeId: string;
  readonly inputs: readonly InputRecord[];
  readonly receipts: readonly RunReceipt[];
  readonly transcript: readonly TranscriptEntry[];
}

function readSide(path: string): { pos: number; record: SideRecord }[] {
  const text = readFileSync(path, { encoding: 'utf8', flag: 'a+' });
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, pos) => ({ pos, record: JSON.parse(line) as SideRecord }));
}

async function readStore(database: string): Promise<SessionData[]> {
  // Every runtime id that holds anything, listed in SQL so nothing the store's reads skip goes unseen.
  const db = new Database(database, { fileMustExist: true });
  let ids: RuntimeId[];
  try {
    ids = db
      .prepare<[], RuntimeId>(
        `SELECT runtime_id FROM sessions UNION SELECT runtime_id FROM inputs
         UNION SELECT runtime_id FROM receipts UNION SELECT runtime_id FROM transcript`,
      )
      .pluck()
      .all();
  } finally {
    db.close();
  }
  const store = await openSqliteStore(database);
  try {
    const sessions: SessionData[] = [];
    for (const runtimeId of ids) {
      sessions.push({
        runtimeId,
        inputs: (await store.load(runtimeId))?.inputs ?? [],
        receipts: await store.readReceipts(runtimeId, 0, Number.POSITIVE_INFINITY),
        transcript: await store.readTranscript(runtimeId, 0, Number.POSITIVE_INFINITY),
      });
    }
    return sessions;
  } finally {
    await store.close();
  }
}

/** The run an input's stored terminal state names, if any. */
function endingRun(record: InputRecord): string | null {
  if (record.state.status === 'consumed') return record.state.runId;
  const outcome = record.outcome;
  if (outcome !== null && 'runId' in outcome) return outcome.runId;
  return null;
}

/**
 * Checks `database` and `sideFile` against the inputs the parent saw acknowledged (input id to
 * session id). With `final`, every stored input must also be terminal (the runtime drained).
 */
export async function checkCrashInvariants(
  database: string,
  sideFile: string,
  acked: ReadonlyMap<string, string>,
  final: boolean,
): Promise<CheckReport> {
  const violations: string[] = [];
  const side = readSide(sideFile);
  const starts = new Map<string, { pos: number; inputIds: readonly string[]; session: string }>();
  const finishes = new Map<string, { status: string; messages: number }>();
  const startsOfInput = new Map<string, { pos: number; runId: string }[]>();
  for (const { pos, record } of side) {
    if (record.t === 'finish') {
      finishes.set(record.runId, { status: record.status, messages: record.messages });
      continue;
    }
    if (starts.has(record.runId)) violations.push(`run ${record.runId} started twice`);
    starts.set(record.runId, { pos, inputIds: record.inputIds, session: record.sessionId });
    for (const inputId of record.inputIds) {
      const list = startsOfInput.get(inputId) ?? [];
      list.push({ pos, runId: record.runId });
      startsOfInput.set(inputId, list);
    }
  }

  const sessions = await readStore(database);
  const stored = new Map<string, { runtimeId: string; record: InputRecord }>();
  const byState: Record<string, number> = {};
  for (const { runtimeId, inputs } of sessions) {
    for (const record of inputs) {
      const id = record.header.inputId;
      if (stored.has(id)) violations.push(`input ${id} is stored twice`);
      stored.set(id, { runtimeId, record });
      const state =
        record.state.status === 'abandoned'
          ? `abandoned:${record.state.reason}`
          : record.state.status;
      byState[state] = (byState[state] ?? 0) + 1;
      if (final && !isTerminal(record.state))
        violations.push(`input ${id} of ${runtimeId} is still ${record.state.status}`);
    }
  }
  for (const [inputId, sessionId] of acked) {
    const found = stored.get(inputId);
    if (found === undefined) violations.push(`acknowledged input ${inputId} is not in the store`);
    else if (found.runtimeId !== runtimeIdOf(sessionId))
      violations.push(`acknowledged input ${inputId} is stored under ${found.runtimeId}`);
  }

  const consumedBy = new Map<string, string>();
  const receiptIds = new Set<string>();
  for (const { runtimeId, receipts, transcript } of sessions) {
    for (const receipt of receipts) {
      const runId = receipt.runId;
      receiptIds.add(runId);
      const start = starts.get(runId);
      if (start === undefined) {
        // A run cancelled before the executor was called never reached the side file.
        if (receipt.outcome !== 'cancelled')
          violations.push(`committed run ${runId} (${receipt.outcome}) was never started`);
      } else if (!isDeepStrictEqual([...start.inputIds], [...receipt.inputIds])) {
        violations.push(`run ${runId}: receipt inputs differ from the inputs it ran`);
      } else if (runtimeIdOf(start.session) !== runtimeId) {
        violations.push(`run ${runId} ran for ${start.session} but committed to ${runtimeId}`);
      }
      if (receipt.outcome === 'failed') {
        violations.push(`run ${runId} failed (${JSON.stringify(receipt.result)}): not expected`);
        continue;
      }
      for (const inputId of receipt.inputIds) {
        const earlier = consumedBy.get(inputId);
        if (earlier !== undefined)
          violations.push(
            `input ${inputId} was consumed by two committed runs ${earlier} and ${runId}`,
          );
        consumedBy.set(inputId, runId);
        const record = stored.get(inputId)?.record;
        if (record === undefined || endingRun(record) !== runId || !isTerminal(record.state))
          violations.push(
            `input ${inputId} of committed run ${runId} is stored as ${JSON.stringify(record?.state ?? null)}`,
          );
        // The heart of "a committed turn never runs twice": nothing ran this input after that run.
        for (const later of startsOfInput.get(inputId) ?? []) {
          if (start !== undefined && later.pos > start.pos)
            violations.push(
              `input ${inputId} ran again in run ${later.runId} after committed run ${runId}`,
            );
        }
      }
      const finish = finishes.get(runId);
      if (receipt.outcome === 'completed' && finish?.status !== 'completed')
        violations.push(`completed run ${runId} has no completed finish record`);
      const expected =
        finish?.status === 'completed' && start !== undefined
          ? turnMessages(runId, start.inputIds)
          : [];
      const actual = transcript.filter((entry) => entry.runId === runId);
      if (
        !isDeepStrictEqual(
          actual.map((entry) => entry.message),
          expected,
        )
      )
        violations.push(
          `transcript of run ${runId}: expected ${expected.length} messages, found ${actual.length}`,
        );
      const first = actual[0]?.index ?? 0;
      if (actual.some((entry, i) => entry.index !== first + i))
        violations.push(`transcript of run ${runId} is not one contiguous block`);
    }
    transcript.forEach((entry, i) => {
      if (entry.index !== i)
        violations.push(`${runtimeId} transcript index ${entry.index} at ${i}`);
    });
  }
  for (const { runtimeId, transcript } of sessions) {
    for (const runId of new Set(transcript.map((entry) => entry.runId)))
      if (!receiptIds.has(runId))
        violations.push(`${runtimeId} transcript holds messages of uncommitted run ${runId}`);
  }
  for (const [inputId, { record }] of stored) {
    const runId = endingRun(record);
    if (runId !== null && isTerminal(record.state) && consumedBy.get(inputId) !== runId)
      violations.push(`input ${inputId} names run ${runId}, whose receipt does not list it`);
  }
  return {
    violations,
    inputs: stored.size,
    byState,
    receipts: receiptIds.size,
    runsStarted: starts.size,
    uncommittedRuns: [...starts.keys()].filter((runId) => !receiptIds.has(runId)).length,
  };
}
