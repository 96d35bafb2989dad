// The requests one host forwards to a session's owner through the ingress mailbox (issue 11, item
// 3), and their answers: the runtime's session operations as JSON. Parsed once where the owner
// reads them; the operation itself validates its arguments as it would for a local caller.

import { z } from 'zod';
import { approvalDecisionSchema } from '../../core/approvals.js';
import type { ErrorCode } from '../../core/errors.js';
import { BurrowError, ERROR_CODES } from '../../core/errors.js';
import type { InputSubmission } from '../../core/input-kinds.js';
import type { JsonValue } from '../../core/json.js';
import type { ToolEntry, ToolFilter, VisibilitySide } from '../../core/tool-visibility.js';

/** The version of the request format; an owner refuses other versions (`internal`). */
export const INGRESS_REQUEST_VERSION = 1;

const reason = z.string();
const range = z.custom<{ readonly offset?: number; readonly limit?: number }>(
  (value) => typeof value === 'object' && value !== null,
);
const acceptHeader = z.strictObject({
  whenBusy: z.string().optional(),
  idempotencyKey: z.string().optional(),
  supersedeKey: z.string().optional(),
});
const bare = <O extends string>(op: O) => z.strictObject({ op: z.literal(op) });

/** Every forwardable operation and its arguments. */
export const ingressRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('acceptInput'),
    input: z.custom<InputSubmission>((value) => typeof value === 'object' && value !== null),
    options: acceptHeader,
    withoutWake: z.boolean(),
  }),
  z.strictObject({
    op: z.literal('decideApproval'),
    approvalId: z.string(),
    decision: approvalDecisionSchema,
  }),
  z.strictObject({ op: z.literal('interrupt'), reason }),
  z.strictObject({ op: z.literal('cancelAfterBoundary'), reason }),
  z.strictObject({ op: z.literal('stop'), reason }),
  z.strictObject({ op: z.literal('abandonRetiredPendingInputs'), reason }),
  bare('retire'),
  bare('recycle'),
  bare('reset'),
  bare('destroy'),
  bare('unregisterSession'),
  z.strictObject({ op: z.literal('unregisterSessionIfEpoch'), epochId: z.string() }),
  bare('registerSession'),
  bare('snapshot'),
  bare('listApprovals'),
  bare('sessionHasExecutor'),
  bare('sessionHasComms'),
  bare('wakeRuntimeIfActiveInputs'),
  bare('beginServiceTurn'),
  bare('commitServiceTurnTerminalReceipt'),
  z.strictObject({ op: z.literal('getInput'), inputId: z.string() }),
  z.strictObject({ op: z.literal('getTranscript'), range }),
  z.strictObject({ op: z.literal('listInputs'), range }),
  z.strictObject({ op: z.literal('setSessionSilentIntents'), intents: z.array(z.string()) }),
  z.strictObject({
    op: z.literal('replaceToolCatalog'),
    tools: z.custom<ToolEntry[]>(Array.isArray),
  }),
  z.strictObject({ op: z.literal('stagePersistentFilter'), filter: z.custom<ToolFilter>() }),
  z.strictObject({ op: z.literal('requestDeferredTools'), names: z.array(z.string()) }),
  z.strictObject({
    op: z.literal('publishCommittedVisibleSet'),
    sides: z.custom<{ active: VisibilitySide; staged: VisibilitySide }>(),
  }),
  z.strictObject({ op: z.literal('reconfigureSessionLlm'), change: z.custom<JsonValue>() }),
]);

/** A forwarded session operation. */
export type IngressRequest = z.infer<typeof ingressRequestSchema>;

/** The mailbox body of a request: the operation, its session and the format version. */
export interface IngressEnvelope {
  readonly v: number;
  readonly sessionId: string;
  readonly request: IngressRequest;
}

const envelopeSchema = z.object({ v: z.number(), sessionId: z.string(), request: z.unknown() });

/** Parses a mailbox body; `internal` for a body this build cannot read. */
export function parseEnvelope(body: JsonValue): IngressEnvelope {
  const envelope = envelopeSchema.safeParse(body);
  const request = ingressRequestSchema.safeParse(envelope.data?.request);
  if (!envelope.success || envelope.data.v !== INGRESS_REQUEST_VERSION || !request.success) {
    throw new BurrowError('internal', 'an ingress request this build cannot read');
  }
  return { v: envelope.data.v, sessionId: envelope.data.sessionId, request: request.data };
}

/** What an owner answers: the operation's result, or the error it threw. */
export type IngressAnswer =
  | { readonly ok: true; readonly value: JsonValue }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
      readonly details: JsonValue;
    };

/** The answer for an operation that threw `error`. */
export function errorAnswer(error: unknown): IngressAnswer {
  const burrow =
    error instanceof BurrowError
      ? error
      : new BurrowError('internal', error instanceof Error ? error.message : String(error));
  return {
    ok: false,
    code: burrow.code,
    message: burrow.message,
    details: JSON.parse(JSON.stringify(burrow.details)) as JsonValue,
  };
}

const answerSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.custom<JsonValue>(() => true) }),
  z.strictObject({
    ok: z.literal(false),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
]);

/** The result an answer carries, or the error it names thrown again on this host. */
export function answerValue(answer: JsonValue): JsonValue {
  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success)
    throw new BurrowError('internal', 'an ingress answer this build cannot read');
  if (parsed.data.ok) return parsed.data.value;
  throw new BurrowError(parsed.data.code, parsed.data.message, parsed.data.details);
}
