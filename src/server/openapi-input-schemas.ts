// The JSON Schemas of an input as the API answers with it: header, payload (from the input kinds' zod
// schemas), admission decision, lifecycle state and outcome — each a union the generated types can
// switch on, never an untyped object.

import type {
  BoundaryMode,
  ConsumePoint,
  ExecutionKind,
  Lane,
  QueueMode,
  WakeMode,
} from '../core/admission/admission.js';
import {
  DURABILITIES,
  HEADER_KEYS,
  inputSubmissionSchema,
  ORIGINS,
  WHEN_BUSY,
} from '../core/input-kinds.js';
import { approvalDecisionPayloadSchema } from '../core/approvals.js';
import type { InputStatus } from '../core/ledger/input-record.js';
import { ABANDON_REASONS, INPUT_RECORD_VERSION } from '../core/ledger/input-record.js';
import type { z } from 'zod';
import { ZodDiscriminatedUnion, ZodObject } from 'zod';
import type { Schema } from './schema-builders.js';
import {
  arr,
  constant,
  fromZod,
  int,
  JSON_VALUE,
  members,
  nullable,
  obj,
  oneOfStrings,
  ref,
  str,
} from './schema-builders.js';

/** Every input status, in lifecycle order. */
export const INPUT_STATUSES = members<InputStatus>()([
  'queued',
  'staged',
  'applied',
  'consumed',
  'superseded',
  'coalesced',
  'abandoned',
]);

const error = obj({ code: str, message: str, retryable: { type: 'boolean' } }, ['code', 'message']);
const time = { type: 'string', format: 'date-time' } as const;
const abandonReason = oneOfStrings(ABANDON_REASONS);
const variant = (status: string, fields: Record<string, Schema> = {}): Schema =>
  obj({ status: constant(status), ...fields });

/** Each input kind's payload: the submission without the header fields. */
function payloadSchema(): Schema {
  const omitted: Partial<Record<(typeof HEADER_KEYS)[number], true>> = Object.fromEntries(
    HEADER_KEYS.map((key) => [key, true] as const),
  );
  const objects = (option: z.ZodType): z.ZodObject[] =>
    option instanceof ZodDiscriminatedUnion
      ? (option.options as readonly z.ZodType[]).flatMap(objects)
      : option instanceof ZodObject
        ? [option]
        : [];
  return {
    oneOf: [
      ...inputSubmissionSchema.options
        .flatMap(objects)
        .map((option) => fromZod(option.omit(omitted), 'output')),
      fromZod(approvalDecisionPayloadSchema, 'output'),
    ],
    description: "The input's kind and kind-specific fields, as submitted.",
  };
}

/** The input component schemas by name. */
export const INPUT_SCHEMAS: Readonly<Record<string, Schema>> = {
  InputHeader: obj({
    inputId: str,
    sessionId: str,
    createdAt: time,
    origin: oneOfStrings(ORIGINS),
    durability: oneOfStrings(DURABILITIES),
    idempotencyKey: nullable(str),
    whenBusy: nullable(oneOfStrings(WHEN_BUSY)),
    supersedeKey: nullable(str),
    metadata: nullable({ type: 'object', additionalProperties: JSON_VALUE }),
    debounceMs: nullable(int),
    ttlMs: nullable(int),
  }),
  InputPayload: payloadSchema(),
  AdmissionDecision: {
    ...obj({
      whenBusy: oneOfStrings(WHEN_BUSY),
      lane: oneOfStrings(members<Lane>()(['queue', 'steer', 'none'])),
      queueMode: oneOfStrings(
        members<QueueMode>()(['fifo', 'merge', 'supersede', 'coalesce', 'priority']),
      ),
      wake: oneOfStrings(
        members<WakeMode>()(['none', 'wake_if_idle', 'interrupt_yielding', 'immediate']),
      ),
      boundary: oneOfStrings(members<BoundaryMode>()(['run_start', 'run_checkpoint'])),
      executionKind: oneOfStrings(members<ExecutionKind>()(['content_turn', 'resume_pending'])),
      consumePoint: oneOfStrings(members<ConsumePoint>()(['on_run_complete', 'on_accept'])),
      policyVersion: int,
    }),
    description: 'The admission decision recorded on the input (see GET /v1/machine).',
  },
  InputState: {
    oneOf: [
      variant('queued'),
      variant('staged', { runId: str }),
      variant('applied', { runId: str }),
      variant('consumed', { runId: nullable(str) }),
      variant('superseded', { by: str }),
      variant('coalesced', { into: str }),
      variant('abandoned', { reason: abandonReason }),
    ],
  },
  InputOutcome: {
    oneOf: [
      variant('completed', { runId: str, result: JSON_VALUE }),
      variant('completed_without_result', { runId: nullable(str) }),
      variant('completed_with_finalization_failure', { runId: str, error }),
      variant('superseded', { by: str }),
      variant('coalesced', { into: str }),
      variant('cancelled', { runId: str, reason: str }),
      variant('failed', { runId: str, error }),
      obj({ status: constant('abandoned'), reason: abandonReason, message: str, error }, [
        'status',
        'reason',
      ]),
      variant('runtime_terminated', { reason: str }),
    ],
    description: 'How an input ended (02, "Waiting for an outcome").',
  },
  InputRecord: obj({
    recordVersion: constant(INPUT_RECORD_VERSION),
    header: ref('InputHeader'),
    payload: ref('InputPayload'),
    decision: ref('AdmissionDecision'),
    seq: int,
    state: ref('InputState'),
    attempts: int,
    outcome: nullable(ref('InputOutcome')),
    expiresAt: nullable(time),
    updatedAt: time,
  }),
  PendingApproval: obj({
    approvalId: str,
    runId: str,
    toolCallId: str,
    toolName: str,
    input: JSON_VALUE,
    callHash: str,
    requestedAt: time,
    expiresAt: time,
  }),
  ApprovalList: obj({ approvals: arr(ref('PendingApproval')) }),
  AcceptedInput: obj({
    inputId: str,
    status: oneOfStrings(['accepted', 'deduplicated']),
    decision: ref('AdmissionDecision'),
    outcome: nullable(ref('InputOutcome')),
  }),
};
