// Test support for the ledger: builds admit requests the way the shell does (pure, deterministic ids).

import type { AdmissionContext } from '../admission/admission.js';
import { resolveAdmission } from '../admission/admission.js';
import type { InputHeader, InputSubmission } from '../input-kinds.js';
import { splitSubmission } from '../input-submission.js';
import type { AdmitRequest } from './admit.js';

const CONTEXT: AdmissionContext = { sessionDefault: 'queue', silentIntents: ['quiet'] };

/** A minute-resolution ISO clock for tests: `at(3)` is three minutes after a fixed epoch. */
export function at(minutes: number): string {
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `2026-01-01T${hh}:${mm}:00.000Z`;
}

/** Builds the admit request for `submission` with input id `inputId`, as the runtime would. */
export function admitRequest(
  inputId: string,
  submission: InputSubmission,
  options: { now?: string; context?: AdmissionContext; expiresAt?: string | null } = {},
): AdmitRequest {
  const { payload, header } = splitSubmission(submission);
  const full: InputHeader = {
    inputId,
    sessionId: 's1',
    createdAt: options.now ?? at(0),
    origin: header.origin ?? (payload.kind === 'operation' ? 'system' : 'operator'),
    durability: header.durability ?? 'durable',
    idempotencyKey: header.idempotencyKey ?? null,
    whenBusy: header.whenBusy ?? null,
    supersedeKey: header.supersedeKey ?? null,
    metadata: null,
    debounceMs: null,
    ttlMs: null,
  };
  const decision = resolveAdmission(
    payload,
    full.whenBusy ?? undefined,
    options.context ?? CONTEXT,
  );
  return {
    header: full,
    payload,
    decision,
    expiresAt: options.expiresAt ?? null,
    now: options.now ?? at(0),
  };
}
