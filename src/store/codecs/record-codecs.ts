// The codecs of every stored record: input, lifecycle, receipt, transcript entry, operation, ops cursor.

import { z } from 'zod';
import { pendingApprovalSchema } from '../../core/approvals.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import { INPUT_RECORD_VERSION } from '../../core/ledger/input-record.js';
import type { Binding } from '../../core/machine/state.js';
import type { ToolFilter, VisibilitySide, VisibilityState } from '../../core/tool-visibility.js';
import type {
  LifecycleRecord,
  OperationRecord,
  OpsCursorRecord,
  RunReceipt,
  TranscriptEntry,
} from '../records.js';
import {
  LIFECYCLE_RECORD_VERSION,
  OPERATION_RECORD_VERSION,
  RECEIPT_RECORD_VERSION,
} from '../records.js';
import type { Codec } from './record-codec.js';
import { createCodec } from './record-codec.js';
import {
  admissionDecisionSchema,
  inputHeaderSchema,
  inputOutcomeSchema,
  inputPayloadSchema,
  inputStateSchema,
} from './input-schemas.js';
import { jsonValueSchema, timestampSchema } from './json-value.js';

const count = z.int().min(0);
const sequence = z.int().min(1);
const names = z.array(z.string());

/**
 * The phases a lifecycle record may hold. `attached` and `running` are never durable (04: attached
 * is stored as idle, running as its return phase), so a record carrying one is refused both ways.
 */
export const DURABLE_PHASES = ['initializing', 'idle', 'retired', 'stopped', 'destroyed'] as const;

const bindingSchema: z.ZodType<Binding> = z.strictObject({
  runtimeId: z.string().nullable(),
  fenceToken: count.nullable(),
  generation: count.nullable(),
  epochId: z.string().nullable(),
});

const filterSchema: z.ZodType<ToolFilter> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('allow'), names }),
  z.strictObject({ type: z.literal('deny'), names }),
]);

const sideSchema: z.ZodType<VisibilitySide> = z.strictObject({
  revision: count,
  filter: filterSchema,
  deferred: names,
});

const visibilitySchema: z.ZodType<VisibilityState> = z.strictObject({
  catalog: z.array(z.strictObject({ name: z.string(), provenance: z.string() })),
  nextRevision: count,
  staged: sideSchema,
  active: sideSchema,
});

/** The shape of a stored input record. */
export const inputRecordSchema = z.strictObject({
  recordVersion: z.literal(INPUT_RECORD_VERSION),
  header: inputHeaderSchema,
  payload: inputPayloadSchema,
  decision: admissionDecisionSchema,
  seq: count,
  state: inputStateSchema,
  attempts: count,
  outcome: inputOutcomeSchema.nullable(),
  expiresAt: timestampSchema.nullable(),
  updatedAt: timestampSchema,
});

/** Stored input records. */
export const inputCodec: Codec<InputRecord> = createCodec(
  'input record',
  inputRecordSchema,
  INPUT_RECORD_VERSION,
);

/** The shape of a stored lifecycle record. */
export const lifecycleSchema = z.strictObject({
  recordVersion: z.literal(LIFECYCLE_RECORD_VERSION),
  sessionId: z.string().min(1),
  phase: z.enum(DURABLE_PHASES),
  binding: bindingSchema,
  epochId: z.string(),
  silentIntents: names,
  visibility: visibilitySchema,
  approvals: z.array(pendingApprovalSchema).min(1).optional(),
}) as z.ZodType<LifecycleRecord>;

/** Stored lifecycle records. */
export const lifecycleCodec: Codec<LifecycleRecord> = createCodec(
  'lifecycle record',
  lifecycleSchema,
  LIFECYCLE_RECORD_VERSION,
);

/** The shape of a stored run receipt. */
export const receiptSchema = z.strictObject({
  recordVersion: z.literal(RECEIPT_RECORD_VERSION),
  runId: z.string().min(1),
  seq: sequence,
  outcome: z.enum(['completed', 'failed', 'cancelled']),
  resultClass: z.string(),
  inputIds: names,
  attempt: count,
  at: timestampSchema,
  result: jsonValueSchema,
});

/** Stored run receipts. */
export const receiptCodec: Codec<RunReceipt> = createCodec(
  'run receipt',
  receiptSchema,
  RECEIPT_RECORD_VERSION,
);

/** Stored transcript messages. */
export const transcriptCodec: Codec<TranscriptEntry> = createCodec(
  'transcript entry',
  z.strictObject({ index: count, runId: z.string(), message: jsonValueSchema }),
);

/** Stored background operations. A finished one must say when it finished (retention needs it). */
export const operationCodec: Codec<OperationRecord> = createCodec(
  'operation record',
  z
    .strictObject({
      recordVersion: z.literal(OPERATION_RECORD_VERSION),
      operationId: z.string().min(1),
      kind: z.string().min(1),
      status: z.string().min(1),
      terminal: z.boolean(),
      completionSeq: count.nullable(),
      finishedAt: timestampSchema.nullable(),
      record: jsonValueSchema,
    })
    .refine((op) => !op.terminal || op.finishedAt !== null, {
      message: 'a terminal operation needs finishedAt',
      path: ['finishedAt'],
    }),
  OPERATION_RECORD_VERSION,
);

/** Stored completion-feed cursors. */
export const opsCursorCodec: Codec<OpsCursorRecord> = createCodec(
  'ops cursor',
  z.strictObject({
    epochId: z.string(),
    nextCompletionSeq: count,
    applied: count,
    observed: count,
    injected: count,
  }),
);
