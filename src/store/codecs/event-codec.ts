// The codec of stored events: the envelope, and the data of each event type checked by its own schema.

import { z } from 'zod';
import { BurrowError } from '../../core/errors.js';
import { FAILURE_CAUSES, PHASES } from '../../core/machine/state.js';
import type { DurableEvent, RuntimeEventData, RuntimeEventType } from '../../core/runtime-event.js';
import {
  isTransientType,
  RUNTIME_EVENT_TYPES,
  TOOL_CALL_OUTCOMES,
} from '../../core/runtime-event.js';
import { ABANDON_REASONS } from '../../core/ledger/input-record.js';
import type { FastCheck } from './compiled-check.js';
import { compileCheck } from './compiled-check.js';
import type { Codec } from './record-codec.js';
import { createCodec } from './record-codec.js';
import { admissionDecisionSchema, inputOutcomeSchema } from './input-schemas.js';
import { jsonValueSchema, timestampSchema } from './json-value.js';

const id = z.string();
const ids = z.array(z.string());
const int = z.int();
const toolCalls = z.array(
  z.strictObject({
    toolCallId: id,
    toolName: id,
    outcome: z.enum(TOOL_CALL_OUTCOMES),
  }),
);

/** One schema per event type; the mapped type makes a missing or mistyped entry a compile error. */
const dataSchemas: { readonly [T in RuntimeEventType]: z.ZodType<RuntimeEventData[T]> } = {
  'session.registered': z.strictObject({ epochId: id, recovered: z.boolean() }),
  'session.unregistered': z.strictObject({ retainSnapshot: z.boolean() }),
  'session.phase_changed': z.strictObject({ from: z.enum(PHASES), to: z.enum(PHASES) }),
  'session.executor_attached': z.strictObject({}),
  'session.executor_detached': z.strictObject({ reason: z.string() }),
  'runtime.notice': z.strictObject({ kind: z.string(), message: z.string() }),
  'input.accepted': z.strictObject({
    inputId: id,
    kind: z.string(),
    decision: admissionDecisionSchema,
  }),
  'input.deduplicated': z.strictObject({ inputId: id, existingId: id }),
  'input.rejected': z.strictObject({
    code: z.string(),
    message: z.string(),
    inputId: id.nullable(),
  }),
  'input.queued': z.strictObject({ inputId: id, attempt: int }),
  'input.staged': z.strictObject({ inputId: id, runId: id }),
  'input.applied': z.strictObject({ inputId: id, runId: id }),
  'input.consumed': z.strictObject({ inputId: id, runId: id.nullable() }),
  'input.superseded': z.strictObject({ inputId: id, by: id }),
  'input.coalesced': z.strictObject({ inputId: id, into: id }),
  'input.abandoned': z.strictObject({
    inputId: id,
    reason: z.enum(ABANDON_REASONS),
    outcome: inputOutcomeSchema,
  }),
  'run.started': z.strictObject({ runId: id, inputIds: ids, attempt: int }),
  'run.boundary': z.strictObject({ runId: id, n: int, injected: ids }),
  'run.progress': z.strictObject({ runId: id, progress: jsonValueSchema }),
  'run.completed': z.strictObject({
    runId: id,
    resultClass: z.string(),
    usage: z
      .strictObject({
        inputTokens: z.number().int().nonnegative().optional(),
        outputTokens: z.number().int().nonnegative().optional(),
        totalTokens: z.number().int().nonnegative().optional(),
      })
      .optional(),
    toolCalls: toolCalls.optional(),
  }),
  'run.failed': z.strictObject({
    runId: id,
    cause: z.enum(FAILURE_CAUSES),
    retryable: z.boolean(),
    message: z.string(),
  }),
  'run.cancelled': z.strictObject({
    runId: id,
    reason: z.string(),
    toolCalls: toolCalls.optional(),
  }),
  'op.started': z.strictObject({ operationId: id, kind: z.string() }),
  'op.updated': z.strictObject({ operationId: id, status: z.string() }),
  'op.finished': z.strictObject({
    operationId: id,
    status: z.string(),
    completionSeq: int.nullable(),
  }),
  'visibility.changed': z.strictObject({ revision: int }),
  'approval.requested': z.strictObject({
    approvalId: id,
    runId: id,
    toolCallId: id,
    toolName: id,
    callHash: id,
    expiresAt: timestampSchema,
  }),
  'approval.decided': z.strictObject({
    approvalId: id,
    decision: z.enum(['approve', 'deny']),
    reason: z.string().nullable(),
    origin: z.string(),
    inputId: id,
  }),
};

const envelopeSchema = z.strictObject({
  seq: z.int().min(1),
  id: z.string().min(1),
  at: timestampSchema,
  sessionId: z.string().min(1),
  type: z.enum(RUNTIME_EVENT_TYPES),
  data: z.unknown(),
});

/** The shape of a stored event: the envelope, and the data its type names. */
export const eventSchema = envelopeSchema.superRefine((event, ctx) => {
  const result = dataSchemas[event.type].safeParse(event.data);
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', ...issue.path] });
  }
}) as z.ZodType<DurableEvent>;

// The compiled form of the refinement above: the envelope, then the data by the envelope's type.
const envelopeCheck = compileCheck(envelopeSchema);
const dataChecks = new Map<unknown, FastCheck>(
  Object.entries(dataSchemas).map(([type, schema]) => [type, compileCheck(schema)]),
);
/** {@link eventSchema} compiled (see compiled-check.ts). */
export const eventCheck: FastCheck = (value) =>
  envelopeCheck(value) &&
  (dataChecks.get((value as DurableEvent).type)?.((value as DurableEvent).data) ?? false);

const baseCodec = createCodec<DurableEvent>('event', eventSchema, undefined, eventCheck);

/** Stored events. Transient types (`run.progress`, ...) are live-only and refused on encode. */
export const eventCodec: Codec<DurableEvent> = {
  record: baseCodec.record,
  encode(event: DurableEvent): string {
    this.validate(event);
    return JSON.stringify(event);
  },
  validate(event: DurableEvent): void {
    const type: string = event.type;
    if (isTransientType(event.type))
      throw new BurrowError(
        'internal',
        `cannot encode event ${event.seq}: ${type} is never stored`,
      );
    baseCodec.validate(event);
  },
  decode: (text, where) => baseCodec.decode(text, where),
  fromJson: (value, where) => baseCodec.fromJson(value, where),
};
