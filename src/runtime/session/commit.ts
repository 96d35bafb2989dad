// Persist, then install: the one path every session mutation takes (called under the mutation gate).
//
// A change is computed first (machine step, ledger patches, events, receipt, transcript). It is written
// to the store as one batch; only when the write succeeded are the machine state and ledger installed,
// the events published, the completions settled and the step's effects performed (effects.ts). A
// failed write changes nothing in memory and performs nothing.

import type { PendingApproval } from '../../core/approvals.js';
import { BurrowError, isBurrowError } from '../../core/errors.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import { isTerminal } from '../../core/ledger/input-record.js';
import type { LedgerPatch } from '../../core/ledger/input-ledger.js';
import { applyLedgerPatch, patchRecords } from '../../core/ledger/input-ledger.js';
import { checkHistory } from '../../core/ledger/history.js';
import type { JsonValue } from '../../core/json.js';
import { visiblePhase } from '../../core/machine/classifiers.js';
import type { MachineEffect } from '../../core/machine/effects.js';
import type { MachineState } from '../../core/machine/state.js';
import type { DurableEvent } from '../../core/runtime-event.js';
import type { CommitBatch } from '../../store/runtime-store.js';
import type {
  LifecycleRecord,
  OperationRecord,
  OpsCursorRecord,
  RunReceipt,
} from '../../store/records.js';
import { effectEvents, performEffects } from '../effects.js';
import { inputEvents } from '../events/input-events.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { LifecycleKey, SessionEntry } from './entry.js';
import type { EventDraft } from './events.js';
import { lifecycleKeyOf, lifecycleRecord } from './lifecycle-record.js';
import { fenceOut } from './remove.js';

/** Everything one step changes. */
export interface SessionChange {
  readonly machine?: { readonly state: MachineState; readonly effects: readonly MachineEffect[] };
  readonly patches?: readonly LedgerPatch[];
  readonly events?: readonly EventDraft[];
  readonly receipt?: RunReceipt;
  readonly transcript?: { readonly runId: string; readonly messages: readonly JsonValue[] };
  readonly deleteOperations?: boolean;
  /** Background operations and their feed cursor written in the same transaction. */
  readonly operations?: readonly OperationRecord[];
  readonly opsCursor?: OpsCursorRecord;
  /** Overrides the lifecycle written (unregister writes a cleared one). */
  readonly lifecycle?: LifecycleRecord;
  /** The session's pending approvals after this change (stored with the lifecycle). */
  readonly approvals?: readonly PendingApproval[];
}

function buildBatch(
  entry: SessionEntry,
  change: SessionChange,
  written: readonly InputRecord[],
  machine: MachineState,
  events: readonly DurableEvent[],
): {
  batch: CommitBatch;
  lifecycleKey: LifecycleKey;
} {
  const lifecycle = change.lifecycle ?? lifecycleRecord(entry, machine, change.approvals);
  const lifecycleKey = lifecycleKeyOf(lifecycle, entry.persistedLifecycle);
  const durable = [
    ...new Map(
      written.filter((r) => r.header.durability === 'durable').map((r) => [r.header.inputId, r]),
    ).values(),
  ];
  const transcript = change.transcript?.messages.map((message, i) => ({
    index: entry.transcriptLength + i,
    runId: change.transcript?.runId ?? '',
    message,
  }));
  const batch: CommitBatch = {
    ...(lifecycleKey.text !== entry.persistedLifecycle?.text ? { lifecycle } : {}),
    ...(durable.length > 0 ? { inputs: durable } : {}),
    ...(change.receipt !== undefined ? { receipt: change.receipt } : {}),
    ...(transcript !== undefined && transcript.length > 0 ? { transcript } : {}),
    ...(events.length > 0 ? { events } : {}),
    ...(change.deleteOperations === true ? { deleteOperations: true } : {}),
    ...(change.operations !== undefined && change.operations.length > 0
      ? { operations: change.operations }
      : {}),
    ...(change.opsCursor !== undefined ? { opsCursor: change.opsCursor } : {}),
  };
  return { batch, lifecycleKey };
}

/**
 * Persists and installs a change: the one write path of a session (call it under the session's gate;
 * nothing else calls `store.commit`). Its events get their seqs here, are written in the same
 * transaction, and are published only once it landed. Throws `store_unavailable` (or `fenced`, after
 * dropping the session locally) when the write fails, in which case nothing changed in memory and no
 * seq was used. Completions of inputs that became terminal are settled, and the step's effects are
 * performed (the only place they are).
 */
export async function commitChange(
  ctx: RuntimeContext,
  entry: SessionEntry,
  change: SessionChange,
): Promise<void> {
  const machine = change.machine?.state ?? entry.machine;
  // History only grows: a patch that would rewrite a finished input fails here, before the write
  // (the mutator would refuse it at install, after the store had taken it).
  const patches = change.patches ?? [];
  for (const patch of patches) checkHistory(entry.ledger, patch);
  // The records the patches write, computed once for the events, the batch and the completions.
  const written = patches.flatMap(patchRecords);
  const drafts: EventDraft[] = [];
  const from = visiblePhase(entry.machine);
  const to = visiblePhase(machine);
  if (from !== to) drafts.push({ type: 'session.phase_changed', data: { from, to } });
  drafts.push(...inputEvents(entry.ledger, written));
  const effects = change.machine?.effects ?? [];
  drafts.push(...effectEvents(effects), ...(change.events ?? []));
  const events = entry.events.compose(drafts);
  let lifecycleKey: LifecycleKey | null;
  try {
    lifecycleKey = await write(ctx, entry, change, written, machine, events);
  } catch (error: unknown) {
    entry.events.abandoned();
    throw error;
  }
  install(entry, change, machine, lifecycleKey);
  entry.events.committed();
  settleTerminal(entry, written);
  performEffects(ctx, entry, effects);
}

/** Writes the change's batch (nothing when it changes nothing durable); returns the lifecycle key written. */
async function write(
  ctx: RuntimeContext,
  entry: SessionEntry,
  change: SessionChange,
  written: readonly InputRecord[],
  machine: MachineState,
  events: readonly DurableEvent[],
): Promise<LifecycleKey | null> {
  if (ctx.store === null) return entry.persistedLifecycle;
  const built = buildBatch(entry, change, written, machine, events);
  if (Object.keys(built.batch).length === 0) return built.lifecycleKey;
  try {
    await ctx.store.commit(entry.runtimeId, built.batch, entry.fence);
  } catch (error: unknown) {
    if (isBurrowError(error, 'fenced')) {
      ctx.ownershipStats.fencedCommits += 1;
      fenceOut(ctx, entry);
      throw error;
    }
    if (isBurrowError(error)) throw error;
    throw new BurrowError(
      'store_unavailable',
      'the store failed; nothing was acknowledged',
      { sessionId: entry.sessionId },
      { cause: error },
    );
  }
  return built.lifecycleKey;
}

function install(
  entry: SessionEntry,
  change: SessionChange,
  machine: MachineState,
  lifecycleKey: LifecycleKey | null,
): void {
  for (const patch of change.patches ?? []) applyLedgerPatch(entry.ledger, patch);
  entry.installCommitted({
    machine,
    transcript: change.transcript,
    approvals:
      change.approvals ??
      // An unregister's cleared lifecycle drops every pending approval with it.
      (change.lifecycle === undefined ? undefined : (change.lifecycle.approvals ?? [])),
    receiptSeq: change.receipt?.seq,
    lifecycleKey,
  });
}

function settleTerminal(entry: SessionEntry, written: readonly InputRecord[]): void {
  for (const record of written) {
    if (isTerminal(record.state) && record.outcome !== null)
      entry.completions.settle(record.header.inputId, record.outcome);
  }
}
