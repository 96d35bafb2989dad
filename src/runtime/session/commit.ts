// Persist, then install: the one path every session mutation takes (called under the mutation gate).
//
// A change is computed first (machine step, ledger patches, events, receipt, transcript). It is written
// to the store as one batch; only when the write succeeded are the machine state and ledger installed,
// the events published, the completions settled and the step's effects performed (effects.ts). A
// failed write changes nothing in memory and performs nothing.

import type { PendingApproval } from '../../core/approvals.js';
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
import { writeBatch } from './writes.js';

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

/** A change computed against the session's memory, ready to be written and installed. */
interface Prepared {
  readonly machine: MachineState;
  readonly written: readonly InputRecord[];
  readonly effects: readonly MachineEffect[];
  readonly events: readonly DurableEvent[];
  readonly batch: CommitBatch;
  readonly lifecycleKey: LifecycleKey | null;
}

function prepare(ctx: RuntimeContext, entry: SessionEntry, change: SessionChange): Prepared {
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
  if (ctx.store === null)
    return { machine, written, effects, events, batch: {}, lifecycleKey: entry.persistedLifecycle };
  const { batch, lifecycleKey } = buildBatch(entry, change, written, machine, events);
  return { machine, written, effects, events, batch, lifecycleKey };
}

/** What follows a landed, installed change: its events published, its completions settled, its effects performed. */
function landed(ctx: RuntimeContext, entry: SessionEntry, prepared: Prepared): void {
  entry.events.committed(prepared.events);
  settleTerminal(entry, prepared.written);
  performEffects(ctx, entry, prepared.effects);
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
  const prepared = prepare(ctx, entry, change);
  try {
    await writeBatch(ctx, entry, prepared.batch, false);
  } catch (error: unknown) {
    entry.events.abandoned(prepared.events);
    throw error;
  }
  install(entry, change, prepared.machine, prepared.lifecycleKey);
  landed(ctx, entry, prepared);
}

/**
 * Installs a change at once and writes it ahead of its durability (group commit within a session:
 * the accepts waiting behind it are computed on top of it while it is written, and share the next
 * write; session/writer.ts). Call under the gate; the gate may be released as soon as this returns.
 * The promise resolves once the change is durable, its events published and its effects performed;
 * nobody may be told of it before. When its write fails, the session is dropped from memory (its
 * memory is ahead of the store) and the promise rejects with the store's error.
 */
export function commitAhead(
  ctx: RuntimeContext,
  entry: SessionEntry,
  change: SessionChange,
): Promise<void> {
  const prepared = prepare(ctx, entry, change);
  install(entry, change, prepared.machine, prepared.lifecycleKey);
  return writeBatch(ctx, entry, prepared.batch, true).then(() => landed(ctx, entry, prepared));
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
