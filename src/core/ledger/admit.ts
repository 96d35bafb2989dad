// Planning an admission (02, validation rules 3–6): kind rules, identity (input id and idempotency
// key), backpressure, reject-when-busy, then the new record and what it supersedes or coalesces.

import type { AdmissionDecision } from '../admission/admission.js';
import type { InputHeader, InputPayload } from '../input-kinds.js';
import type { InputOutcome, InputRecord } from './input-record.js';
import { INPUT_RECORD_VERSION } from './input-record.js';
import type { Ledger, LedgerOp, LedgerPatch } from './input-ledger.js';
import { hasQueuedWork, laneRecords } from './input-ledger.js';
import type { KnownInputs } from './identity.js';
import { knownInputs, resolveIdentity } from './identity.js';

/** What the shell hands the planner: a validated header and payload and the admission decision. */
export interface AdmitRequest {
  readonly header: InputHeader;
  readonly payload: InputPayload;
  readonly decision: AdmissionDecision;
  readonly expiresAt: string | null;
  readonly now: string;
}

/** What the planner needs to know about the session besides the ledger. */
export interface AdmitContext {
  /** A run is in flight (the machine has a bound run). */
  readonly running: boolean;
  readonly maxQueuedInputs: number;
  /**
   * What the store answered for the lookups memory could not (see `storeLookups`); `NOTHING_KNOWN`
   * when the shell did not need to ask.
   */
  readonly stored: KnownInputs;
}

/** The refusals admission can produce; the shell turns them into `BurrowError`s with the same code. */
export type AdmitRefusal = {
  readonly status: 'refused';
  readonly code: 'validation_failed' | 'idempotency_conflict' | 'queue_full' | 'session_busy';
  readonly message: string;
  readonly existingInputId?: string;
};

/** The result of {@link planAdmit}. */
export type AdmitPlan =
  | {
      readonly status: 'accepted';
      readonly record: InputRecord;
      readonly replaced: readonly InputRecord[];
      readonly patch: LedgerPatch;
    }
  | { readonly status: 'deduplicated'; readonly existing: InputRecord }
  | AdmitRefusal;

function refuse(
  code: AdmitRefusal['code'],
  message: string,
  existingInputId?: string,
): AdmitRefusal {
  return existingInputId === undefined
    ? { status: 'refused', code, message }
    : { status: 'refused', code, message, existingInputId };
}

/** Rule 3 of 02: kind rules that the schema alone cannot express. */
function kindRuleViolation(request: AdmitRequest): string | null {
  const { payload, header } = request;
  if (payload.kind === 'operation' && header.origin !== 'system')
    return 'an operation input may only come from system origin';
  if (header.durability === 'ephemeral') {
    if (payload.kind === 'peer_request')
      return 'a peer_request cannot be ephemeral: its loss would strand the requester';
    if (payload.kind === 'peer_response' && payload['status'] !== 'progress') {
      return 'a terminal peer_response cannot be ephemeral: its loss would strand the requester';
    }
  }
  return null;
}

function supersedes(newer: AdmitRequest, older: InputRecord): boolean {
  if (older.state.status !== 'queued' || older.decision.lane !== 'queue') return false;
  const key = newer.header.supersedeKey;
  if (key !== null) return older.header.supersedeKey === key;
  return older.payload.kind === 'prompt' && older.header.supersedeKey === null;
}

function coalesces(newer: AdmitRequest, older: InputRecord): boolean {
  return (
    older.state.status === 'queued' &&
    older.payload.kind === 'peer_response' &&
    older.payload['status'] === 'progress' &&
    older.payload['requestId'] === newer.payload['requestId']
  );
}

function replacedBy(newer: AdmitRequest, ledger: Ledger): InputRecord[] {
  const id = newer.header.inputId;
  const at = newer.now;
  if (newer.decision.queueMode === 'supersede') {
    const outcome: InputOutcome = { status: 'superseded', by: id };
    return laneRecords(ledger, 'queue')
      .filter((older) => supersedes(newer, older))
      .map((older) => ({
        ...older,
        state: { status: 'superseded', by: id },
        outcome,
        updatedAt: at,
      }));
  }
  if (newer.decision.queueMode === 'coalesce') {
    const outcome: InputOutcome = { status: 'coalesced', into: id };
    return laneRecords(ledger, 'steer')
      .filter((older) => coalesces(newer, older))
      .map((older) => ({
        ...older,
        state: { status: 'coalesced', into: id },
        outcome,
        updatedAt: at,
      }));
  }
  return [];
}

/**
 * Plans the admission of one input. Checks, in order: kind rules, identity (a known input id or
 * idempotency key with the same content deduplicates, with another content conflicts — the seed
 * ignores the payload and replaced an input whose id was reused, we do neither), backpressure, and
 * `whenBusy: reject` while a run is in flight or work is queued.
 */
export function planAdmit(ledger: Ledger, request: AdmitRequest, context: AdmitContext): AdmitPlan {
  const violation = kindRuleViolation(request);
  if (violation !== null) return refuse('validation_failed', violation);
  const { header, payload } = request;
  const identity = resolveIdentity(header, payload, knownInputs(ledger, header, context.stored));
  if (identity.status === 'deduplicated')
    return { status: 'deduplicated', existing: identity.existing };
  if (identity.status === 'conflict')
    return refuse('idempotency_conflict', identity.message, identity.existing.header.inputId);
  const key = header.idempotencyKey;
  if (ledger.live.size >= context.maxQueuedInputs) {
    return refuse(
      'queue_full',
      `the session holds ${ledger.live.size} unfinished inputs (limit ${context.maxQueuedInputs})`,
    );
  }
  if (request.decision.whenBusy === 'reject' && (context.running || hasQueuedWork(ledger))) {
    return refuse('session_busy', 'whenBusy is reject and the session is busy');
  }
  const onAccept = request.decision.consumePoint === 'on_accept';
  const record: InputRecord = {
    recordVersion: INPUT_RECORD_VERSION,
    header: request.header,
    payload: request.payload,
    decision: request.decision,
    seq: ledger.nextSeq,
    state: onAccept ? { status: 'consumed', runId: null } : { status: 'queued' },
    attempts: 0,
    outcome: onAccept ? { status: 'completed_without_result', runId: null } : null,
    expiresAt: request.expiresAt,
    updatedAt: request.now,
  };
  const replaced = replacedBy(request, ledger);
  const ops: LedgerOp[] = replaced.map((older) => ({ op: 'put', record: older }));
  ops.push({
    op: 'put',
    record,
    placement: request.decision.wake === 'immediate' ? 'front' : 'back',
  });
  if (key !== null) ops.push({ op: 'index', key, inputId: record.header.inputId });
  return { status: 'accepted', record, replaced, patch: { ops, nextSeq: ledger.nextSeq + 1 } };
}
