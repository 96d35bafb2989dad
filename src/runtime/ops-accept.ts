// acceptInput (02): validation in the order of 02, the admission decision, durable-before-ack, the wake.

import { acceptFlags, resolveAdmission } from '../core/admission.js';
import { BurrowError } from '../core/errors.js';
import type { InputHeader, InputPayload, InputSubmission } from '../core/input-kinds.js';
import { inputSubmissionSchema, splitSubmission } from '../core/input-kinds.js';
import type { InputOutcome } from '../core/input-record.js';
import { planAdmit } from '../core/ledger-admit.js';
import type { KnownInputs } from '../core/ledger-identity.js';
import { NOTHING_KNOWN, storeLookups } from '../core/ledger-identity.js';
import { isoAt } from './clock.js';
import { uuidv7 } from './ids.js';
import { refusalError } from './machine-errors.js';
import { entryUnderGate } from './session-access.js';
import type { AcceptOptions, AcceptResult } from './runtime-api.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionChange } from './session-commit.js';
import { commitChange } from './session-commit.js';
import { supersedeApprovals } from './approval-decisions.js';
import type { SessionEntry } from './session-entry.js';
import { step } from '../core/session-machine.js';

function reject(entry: SessionEntry, error: BurrowError): BurrowError {
  entry.events.emitTransient({
    type: 'input.rejected',
    data: { code: error.code, message: error.message, inputId: error.details.inputId ?? null },
  });
  return error;
}

function validate(
  ctx: RuntimeContext,
  sessionId: string,
  input: InputSubmission,
  options: AcceptOptions,
): { payload: InputPayload; header: Record<string, unknown> } {
  const merged = {
    ...(input as object),
    ...(options.whenBusy !== undefined ? { whenBusy: options.whenBusy } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.supersedeKey !== undefined ? { supersedeKey: options.supersedeKey } : {}),
  };
  const parsed = inputSubmissionSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
    );
    throw new BurrowError('validation_failed', `invalid input: ${issues.join('; ')}`, {
      sessionId,
      issues,
    });
  }
  const size = Buffer.byteLength(JSON.stringify(parsed.data), 'utf8');
  if (size > ctx.options.maxInputBytes) {
    throw new BurrowError(
      'validation_failed',
      `input is ${size} bytes, over the limit of ${ctx.options.maxInputBytes}`,
      {
        sessionId,
        issues: [`(input): ${size} bytes > ${ctx.options.maxInputBytes}`],
        limit: ctx.options.maxInputBytes,
      },
    );
  }
  return splitSubmission(parsed.data);
}

function headerOf(
  ctx: RuntimeContext,
  sessionId: string,
  fields: Record<string, unknown>,
  kind: InputPayload['kind'],
): InputHeader {
  const now = ctx.clock.now();
  return {
    inputId: (fields['inputId'] as string | undefined) ?? uuidv7(now),
    sessionId,
    createdAt: isoAt(now),
    origin:
      (fields['origin'] as InputHeader['origin'] | undefined) ??
      (kind === 'operation' ? 'system' : kind.startsWith('peer_') ? 'peer' : 'operator'),
    durability: (fields['durability'] as InputHeader['durability'] | undefined) ?? 'durable',
    idempotencyKey: (fields['idempotencyKey'] as string | undefined) ?? null,
    whenBusy: (fields['whenBusy'] as InputHeader['whenBusy'] | undefined) ?? null,
    supersedeKey: (fields['supersedeKey'] as string | undefined) ?? null,
    metadata: (fields['metadata'] as InputHeader['metadata'] | undefined) ?? null,
    debounceMs: (fields['debounceMs'] as number | undefined) ?? null,
    ttlMs: (fields['ttlMs'] as number | undefined) ?? null,
  };
}

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

/** Accepts an input (02). With `withoutWake`, the input is recorded but the loop is not woken. */
export async function acceptInput(
  ctx: RuntimeContext,
  sessionId: string,
  input: InputSubmission,
  options: AcceptOptions,
  withoutWake: boolean,
): Promise<AcceptResult> {
  if (ctx.closing)
    throw new BurrowError('not_ready', 'the runtime is shutting down', {
      sessionId,
      phase: 'closing',
    });
  if (ctx.inflightAccepts >= ctx.options.maxInflightAccepts) {
    throw new BurrowError('queue_full', 'too many accepts in flight in this process', {
      sessionId,
      limit: ctx.options.maxInflightAccepts,
    });
  }
  ctx.inflightAccepts += 1;
  try {
    const release = await ctx.gate.lock(sessionId, options.signal);
    try {
      const entry = await entryUnderGate(ctx, sessionId);
      try {
        return await admit(ctx, entry, input, options, withoutWake);
      } catch (error: unknown) {
        if (error instanceof BurrowError && error.code !== 'store_unavailable')
          throw reject(entry, error);
        throw error;
      }
    } finally {
      release();
    }
  } finally {
    ctx.inflightAccepts -= 1;
  }
}

async function admit(
  ctx: RuntimeContext,
  entry: SessionEntry,
  input: InputSubmission,
  options: AcceptOptions,
  withoutWake: boolean,
): Promise<AcceptResult> {
  probeAccept(entry);
  const { payload, header: fields } = validate(ctx, entry.sessionId, input, options);
  // A new prompt while tool calls wait for a decision denies them as superseded first, so the
  // transcript the prompt's turn sees closes every call (docs/decisions.md, issue 12).
  if (payload.kind === 'prompt') await supersedeApprovals(ctx, entry);
  return admitValidated(ctx, entry, payload, fields, withoutWake);
}

/** Throws the machine's refusal when the session's phase accepts no input. */
export function probeAccept(entry: SessionEntry): void {
  const probe = step(entry.machine, {
    type: 'AcceptInput',
    inputId: '',
    requestImmediate: false,
    interruptYielding: false,
    wakeIfIdle: false,
    withoutWake: true,
  });
  if (!probe.ok) throw refusalError(entry.sessionId, probe);
}

/** What an admission commits besides the input: set by the decision on a pending approval. */
export type AdmitExtra = (inputId: string) => Pick<SessionChange, 'approvals' | 'events'>;

/**
 * Admits a validated payload (rules 3–6 of 02, the decision, durable-before-ack, the wake), under the
 * gate. `extra` adds to the accept commit (a decision removes its approval from the pending set).
 */
export async function admitValidated(
  ctx: RuntimeContext,
  entry: SessionEntry,
  payload: InputPayload,
  fields: Record<string, unknown>,
  withoutWake: boolean,
  extra?: AdmitExtra,
): Promise<AcceptResult> {
  const sessionId = entry.sessionId;
  const header = headerOf(ctx, sessionId, fields, payload.kind);
  const decision = resolveAdmission(payload, header.whenBusy ?? undefined, {
    sessionDefault: ctx.options.defaultWhenBusy,
    silentIntents: entry.machine.silentIntents,
  });
  const expiresAt = header.ttlMs === null ? null : isoAt(ctx.clock.now() + header.ttlMs);
  const stored = await storedInputs(ctx, entry, header, fields['inputId'] !== undefined);
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
    entry.events.emitTransient({
      type: 'input.deduplicated',
      data: { inputId: header.inputId, existingId: existing.header.inputId },
    });
    return {
      status: 'deduplicated',
      inputId: existing.header.inputId,
      decision: existing.decision,
      completion: completionOf(entry, existing.header.inputId, existing.outcome),
    };
  }
  const accepted = step(entry.machine, {
    type: 'AcceptInput',
    inputId: header.inputId,
    ...acceptFlags(decision),
    withoutWake,
  });
  if (!accepted.ok) throw refusalError(sessionId, accepted);
  await commitChange(ctx, entry, {
    machine: accepted,
    patches: [plan.patch],
    ...(extra === undefined ? {} : extra(header.inputId)),
  });
  // The commit performed the step's effects: the debounce clock restarted and the loop woke.
  const completion = completionOf(entry, header.inputId, plan.record.outcome);
  return { status: 'accepted', inputId: header.inputId, decision, completion };
}
