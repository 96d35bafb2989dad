// Admitting a parsed input into a session, under its gate (02, rules 3–6): the header, the decision,
// one machine step, identity against memory and the store, the plan, durable-before-ack, the wake.

import { acceptFlags, resolveAdmission } from '../../core/admission/admission.js';
import { BurrowError } from '../../core/errors.js';
import type { InputHeader, InputPayload } from '../../core/input-kinds.js';
import type { InputOutcome } from '../../core/ledger/input-record.js';
import type { SubmittedHeader } from '../../core/input-submission.js';
import { completeHeader } from '../../core/input-submission.js';
import { planAdmit } from '../../core/ledger/admit.js';
import type { KnownInputs } from '../../core/ledger/identity.js';
import { NOTHING_KNOWN, storeLookups } from '../../core/ledger/identity.js';
import type { InputOf } from '../../core/machine/inputs.js';
import { step } from '../../core/machine/session-machine.js';
import { isoAt } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { refusalError } from '../session/refusals.js';
import type { AcceptResult } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionChange } from '../session/commit.js';
import { commitAhead, commitChange } from '../session/commit.js';
import { canWriteAhead, writesSettled } from '../session/writes.js';
import type { Release } from '../keyed-mutex.js';
import type { SessionEntry } from '../session/entry.js';

/**
 * Asks the store about the input id and idempotency key that memory no longer holds (the core says
 * which: none on the common path of a runtime-minted id without a key, or while memory has
 * forgotten nothing). Without a store, what memory forgot is gone: the idempotency window is memory.
 */
async function storedInputs(
  ctx: RuntimeContext,
  entry: SessionEntry,
  header: InputHeader,
  idSupplied: boolean,
): Promise<KnownInputs> {
  const store = ctx.store;
  const lookups = storeLookups(entry.ledger, header, idSupplied);
  if (store === null || (lookups.inputId === null && lookups.idempotencyKey === null))
    return NOTHING_KNOWN;
  const [byId, byKey] = await Promise.all([
    lookups.inputId === null ? null : store.readInput(entry.runtimeId, lookups.inputId),
    lookups.idempotencyKey === null
      ? null
      : store.readInputByIdempotencyKey(entry.runtimeId, lookups.idempotencyKey),
  ]);
  return { byId, byKey };
}

function completionOf(
  entry: SessionEntry,
  inputId: string,
  outcome: InputOutcome | null,
): Promise<InputOutcome> {
  return outcome !== null ? Promise.resolve(outcome) : entry.completions.wait(inputId);
}

// AcceptInput's guards read the session's state only, so this stands for every input.
const ANY_INPUT: InputOf<'AcceptInput'> = {
  type: 'AcceptInput',
  inputId: '',
  requestImmediate: false,
  interruptYielding: false,
  wakeIfIdle: false,
  withoutWake: true,
};

/** True when the session's phase accepts input (a decision can be admitted). */
export function acceptsInput(entry: SessionEntry): boolean {
  return step(entry.machine, ANY_INPUT).ok;
}

/** Throws the machine's refusal when the session's phase takes no input. */
export function requireAcceptsInput(entry: SessionEntry): void {
  const probe = step(entry.machine, ANY_INPUT);
  if (!probe.ok) throw refusalError(entry.sessionId, probe);
}

/** What an admission commits besides the input: set by the decision on a pending approval. */
export type AdmitExtra = (inputId: string) => Pick<SessionChange, 'approvals' | 'events'>;

/** How an admission is committed: what it adds (`extra`), and the gate it may release early (`gate`). */
export interface AdmitVia {
  readonly extra?: AdmitExtra;
  /**
   * The caller's hold on the session's gate. When given and a write of the session is in flight (or
   * others wait), the accept is installed at once and written ahead, the gate is released so the
   * accepts behind it are computed on top of it, and this call returns once its write is durable
   * (group commit within a session).
   */
  readonly gate?: Release;
}

/**
 * Admits a parsed payload (rules 3–6 of 02, the decision, durable-before-ack, the wake), under the
 * gate. The machine is stepped once: its refusal (the session's phase takes no input) comes before
 * identity and queue refusals. `via.extra` adds to the accept commit (a decision removes its approval
 * from the pending set).
 */
export async function admitParsed(
  ctx: RuntimeContext,
  entry: SessionEntry,
  payload: InputPayload,
  submitted: SubmittedHeader,
  withoutWake: boolean,
  via: AdmitVia = {},
): Promise<AcceptResult> {
  const sessionId = entry.sessionId;
  const now = ctx.clock.now();
  const header = completeHeader(submitted, payload.kind, {
    inputId: submitted.inputId ?? uuidv7(now),
    sessionId,
    createdAt: isoAt(now),
  });
  const decision = resolveAdmission(payload, header.whenBusy ?? undefined, {
    sessionDefault: ctx.options.defaultWhenBusy,
    silentIntents: entry.machine.silentIntents,
  });
  const accepted = step(entry.machine, {
    type: 'AcceptInput',
    inputId: header.inputId,
    ...acceptFlags(decision),
    withoutWake,
  });
  if (!accepted.ok) throw refusalError(sessionId, accepted);
  // The gate is held from here to the commit: no other write moves the machine past this step.
  const expiresAt = header.ttlMs === null ? null : isoAt(now + header.ttlMs);
  const stored = await storedInputs(ctx, entry, header, submitted.inputId !== undefined);
  const plan = planAdmit(
    entry.ledger,
    { header, payload, decision, expiresAt, now: header.createdAt },
    {
      running: entry.machine.run !== null,
      maxQueuedInputs: ctx.options.maxQueuedInputs,
      stored,
    },
  );
  if (plan.status === 'refused') {
    throw new BurrowError(plan.code, plan.message, {
      sessionId,
      inputId: header.inputId,
      ...(plan.existingInputId !== undefined ? { existingInputId: plan.existingInputId } : {}),
      ...(plan.code === 'queue_full' ? { limit: ctx.options.maxQueuedInputs } : {}),
    });
  }
  if (plan.status === 'deduplicated') {
    const existing = plan.existing;
    // Waited for before anything can settle it (a later accept may supersede it once it lands).
    const completion = completionOf(entry, existing.header.inputId, existing.outcome);
    // The input it repeats may be installed ahead of its write: answer once that write is durable.
    await writesSettled(entry);
    entry.events.emitTransient({
      type: 'input.deduplicated',
      data: { inputId: header.inputId, existingId: existing.header.inputId },
    });
    return {
      status: 'deduplicated',
      inputId: existing.header.inputId,
      decision: existing.decision,
      completion,
    };
  }
  const change: SessionChange = {
    machine: accepted,
    patches: [plan.patch],
    ...(via.extra === undefined ? {} : via.extra(header.inputId)),
  };
  if (via.gate !== undefined && canWriteAhead(ctx, entry)) {
    const durable = commitAhead(ctx, entry, change);
    // Waited for now: an accept computed behind this one may supersede it in the same write.
    const completion = completionOf(entry, header.inputId, plan.record.outcome);
    via.gate();
    await durable;
    return { status: 'accepted', inputId: header.inputId, decision, completion };
  }
  await commitChange(ctx, entry, change);
  // The commit performed the step's effects: the debounce clock restarted and the loop woke.
  const completion = completionOf(entry, header.inputId, plan.record.outcome);
  return { status: 'accepted', inputId: header.inputId, decision, completion };
}
