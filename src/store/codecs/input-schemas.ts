// Zod schemas for an accepted input's stored parts: header, payload, admission decision, state, outcome.

import { z } from 'zod';
import type { AdmissionDecision } from '../../core/admission/admission.js';
import type { InputHeader, InputPayload } from '../../core/input-kinds.js';
import { DURABILITIES, INPUT_KINDS, ORIGINS, WHEN_BUSY } from '../../core/input-kinds.js';
import type { ErrorInfo, InputOutcome, InputState } from '../../core/ledger/input-record.js';
import { ABANDON_REASONS } from '../../core/ledger/input-record.js';
import { withFastCheck } from './compiled-check.js';
import { isJsonObject, jsonObjectSchema, jsonValueSchema, timestampSchema } from './json-value.js';

const count = z.int().min(0);

/** The complete header of an accepted input. */
export const inputHeaderSchema: z.ZodType<InputHeader> = z.strictObject({
  inputId: z.string().min(1),
  sessionId: z.string().min(1),
  createdAt: timestampSchema,
  origin: z.enum(ORIGINS),
  durability: z.enum(DURABILITIES),
  idempotencyKey: z.string().nullable(),
  whenBusy: z.enum(WHEN_BUSY).nullable(),
  supersedeKey: z.string().nullable(),
  metadata: jsonObjectSchema.nullable(),
  debounceMs: count.nullable(),
  ttlMs: count.nullable(),
});

function isKnownKind(kind: unknown): boolean {
  return typeof kind === 'string' && (INPUT_KINDS as readonly string[]).includes(kind);
}

const payloadSchema = z.custom<InputPayload>().superRefine((payload, ctx) => {
  const json = jsonObjectSchema.safeParse(payload);
  if (!json.success) {
    for (const issue of json.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
    return;
  }
  const kind: unknown = json.data['kind'];
  if (!isKnownKind(kind)) {
    ctx.addIssue({ code: 'custom', message: `unknown input kind ${String(kind)}`, path: ['kind'] });
  }
});
/** An input's payload: a known kind plus JSON fields. */
export const inputPayloadSchema = withFastCheck(
  payloadSchema,
  (payload) => isJsonObject(payload) && isKnownKind(payload['kind']),
);

/** The admission decision recorded on an input (never re-derived). */
export const admissionDecisionSchema: z.ZodType<AdmissionDecision> = z.strictObject({
  whenBusy: z.enum(WHEN_BUSY),
  lane: z.enum(['queue', 'steer', 'none']),
  queueMode: z.enum(['fifo', 'merge', 'supersede', 'coalesce', 'priority']),
  wake: z.enum(['none', 'wake_if_idle', 'interrupt_yielding', 'immediate']),
  boundary: z.enum(['run_start', 'run_checkpoint']),
  executionKind: z.enum(['content_turn', 'resume_pending']),
  consumePoint: z.enum(['on_run_complete', 'on_accept']),
  policyVersion: count,
});

/** The lifecycle state of a stored input. */
export const inputStateSchema: z.ZodType<InputState> = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('queued') }),
  z.strictObject({ status: z.literal('staged'), runId: z.string() }),
  z.strictObject({ status: z.literal('applied'), runId: z.string() }),
  z.strictObject({ status: z.literal('consumed'), runId: z.string().nullable() }),
  z.strictObject({ status: z.literal('superseded'), by: z.string() }),
  z.strictObject({ status: z.literal('coalesced'), into: z.string() }),
  z.strictObject({ status: z.literal('abandoned'), reason: z.enum(ABANDON_REASONS) }),
]);

/** A JSON error as outcomes carry it. */
export const errorInfoSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean().optional(),
}) as z.ZodType<ErrorInfo>;

/** How an input ended. */
export const inputOutcomeSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('completed'), runId: z.string(), result: jsonValueSchema }),
  z.strictObject({ status: z.literal('completed_without_result'), runId: z.string().nullable() }),
  z.strictObject({
    status: z.literal('completed_with_finalization_failure'),
    runId: z.string(),
    error: errorInfoSchema,
  }),
  z.strictObject({ status: z.literal('superseded'), by: z.string() }),
  z.strictObject({ status: z.literal('coalesced'), into: z.string() }),
  z.strictObject({ status: z.literal('cancelled'), runId: z.string(), reason: z.string() }),
  z.strictObject({ status: z.literal('failed'), runId: z.string(), error: errorInfoSchema }),
  z.strictObject({
    status: z.literal('abandoned'),
    reason: z.enum(ABANDON_REASONS),
    message: z.string().optional(),
    error: errorInfoSchema.optional(),
  }),
  z.strictObject({ status: z.literal('runtime_terminated'), reason: z.string() }),
]) as z.ZodType<InputOutcome>;
