// The input kinds of 02 and the common header: zod schemas (strict: unknown fields are refused) and types.

import { z } from 'zod';
import { jsonValue } from './json-schema.js';
import { ID_PATTERN } from './session-id.js';
import type { JsonValue } from './json.js';

/** One block of content: text, or an image by URL or base64 data. */
export const contentBlockSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({
    type: z.literal('image'),
    mediaType: z.string().min(1),
    url: z.string().min(1).optional(),
    data: z.string().min(1).optional(),
  }),
]);
/** One block of content. */
export type ContentBlock = z.infer<typeof contentBlockSchema>;

/** Content: plain text or a list of blocks. */
export const contentSchema = z.union([z.string(), z.array(contentBlockSchema).min(1)]);
/** Content: plain text or a list of blocks. */
export type Content = z.infer<typeof contentSchema>;

/** What an input wants when the session is busy (02, the policy table). */
export const WHEN_BUSY = ['queue', 'merge', 'latest', 'steer', 'interrupt', 'reject'] as const;
/** One of {@link WHEN_BUSY}. */
export type WhenBusy = (typeof WHEN_BUSY)[number];

/** Where an input comes from. */
export const ORIGINS = ['operator', 'peer', 'external', 'system'] as const;
/** One of {@link ORIGINS}. */
export type Origin = (typeof ORIGINS)[number];

/** Whether an input is persisted before its accept is acknowledged. */
export const DURABILITIES = ['durable', 'ephemeral'] as const;
/** One of {@link DURABILITIES}. */
export type Durability = (typeof DURABILITIES)[number];

/** Status of a peer response: progress, or a terminal answer. */
export const PEER_RESPONSE_STATUSES = ['progress', 'completed', 'failed'] as const;

const turnMetadata = z.strictObject({
  model: z.string().min(1).optional(),
  instructions: z.string().optional(),
  tools: z.array(z.string().min(1)).optional(),
});

/** The longest `ttlMs`: 365 days (a queued input may wait a year, and its expiry stays a valid date). */
export const MAX_TTL_MS = 365 * 24 * 3_600_000;

/** Optional header fields a caller may set on any input (the runtime fills the rest). */
export const headerFields = {
  inputId: z
    .string()
    .min(1)
    .max(200)
    .regex(new RegExp(ID_PATTERN, 'u'), 'must not be . or .. nor contain control characters')
    .optional(),
  origin: z.enum(ORIGINS).optional(),
  durability: z.enum(DURABILITIES).optional(),
  idempotencyKey: z.string().min(1).max(500).optional(),
  whenBusy: z.enum(WHEN_BUSY).optional(),
  supersedeKey: z.string().min(1).max(500).optional(),
  metadata: z.record(z.string(), jsonValue).optional(),
  debounceMs: z.number().int().min(0).max(3_600_000).optional(),
  ttlMs: z.number().int().min(1).max(MAX_TTL_MS).optional(),
};

const id = z.string().min(1).max(500);

const durableOnly = z.literal('durable').optional();
const peerResponse = {
  kind: z.literal('peer_response'),
  from: id,
  requestId: id,
  content: contentSchema,
  ...headerFields,
};

/**
 * The schema of an input as submitted: one strict object per kind, discriminated on `kind`. The kind
 * rules of 02 that concern one input's own fields (origin, durability) are part of it, so the OpenAPI
 * document states them; the ledger checks them again for callers that bypass the schema.
 */
export const inputSubmissionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('prompt'),
    content: contentSchema,
    turn: turnMetadata.optional(),
    ...headerFields,
  }),
  z.strictObject({
    kind: z.literal('external_event'),
    source: id,
    eventType: id,
    payload: jsonValue,
    ...headerFields,
  }),
  z.strictObject({
    kind: z.literal('peer_message'),
    from: id,
    content: contentSchema,
    ...headerFields,
  }),
  z.strictObject({
    kind: z.literal('peer_request'),
    from: id,
    requestId: id,
    intent: id,
    content: contentSchema,
    ...headerFields,
    // A request cannot be ephemeral: its loss would strand the requester (02, rule 3).
    durability: durableOnly,
  }),
  // A terminal response cannot be ephemeral: its loss would strand the requester (02, rule 3).
  z.discriminatedUnion('status', [
    z.strictObject({ ...peerResponse, status: z.literal('progress') }),
    z.strictObject({
      ...peerResponse,
      status: z.enum(['completed', 'failed']),
      durability: durableOnly,
    }),
  ]),
  z.strictObject({
    kind: z.literal('continuation'),
    reason: z.string().min(1),
    operationId: id.optional(),
    result: jsonValue.optional(),
    ...headerFields,
  }),
  z.strictObject({
    kind: z.literal('operation'),
    operationId: id,
    notice: jsonValue,
    ...headerFields,
    // Only the runtime's own operations feed report them (02, rule 3).
    origin: z.literal('system').optional(),
  }),
]);

/** An input as a caller submits it. */
export type InputSubmission = z.infer<typeof inputSubmissionSchema>;

/**
 * The kind of an input. `approval_decision` is not submitted through {@link inputSubmissionSchema}:
 * the runtime builds it from a decision on a pending approval (`decideApproval`), bound to that call.
 */
export type InputKind = InputSubmission['kind'] | 'approval_decision';

/** Every input kind, in the order of 02 (then the decision on a pending approval, issue 12). */
export const INPUT_KINDS = [
  'prompt',
  'external_event',
  'peer_message',
  'peer_request',
  'peer_response',
  'continuation',
  'operation',
  'approval_decision',
] as const satisfies readonly InputKind[];

/** The header keys that are not part of an input's payload. */
export const HEADER_KEYS = Object.keys(headerFields) as readonly (keyof typeof headerFields)[];

/** The payload of an input: its kind and kind-specific fields, without the header. */
export type InputPayload = { readonly kind: InputKind } & { readonly [key: string]: JsonValue };

/** The complete header of an accepted input. */
export interface InputHeader {
  readonly inputId: string;
  readonly sessionId: string;
  readonly createdAt: string;
  readonly origin: Origin;
  readonly durability: Durability;
  readonly idempotencyKey: string | null;
  readonly whenBusy: WhenBusy | null;
  readonly supersedeKey: string | null;
  readonly metadata: { readonly [key: string]: JsonValue } | null;
  readonly debounceMs: number | null;
  readonly ttlMs: number | null;
}
