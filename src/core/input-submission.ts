// A submission parsed once at the edge: its payload, the header fields its caller set (typed by the
// zod schema), and the complete header the runtime fills in from them.

import { z } from 'zod';
import type { InputHeader, InputKind, InputPayload, InputSubmission } from './input-kinds.js';
import { headerFields, inputSubmissionSchema } from './input-kinds.js';

/** The header fields a caller may set, every one optional (strict: no other field). */
export const submittedHeaderSchema = z.strictObject(headerFields);

/** The header fields a caller set, as {@link submittedHeaderSchema} parses them. */
export type SubmittedHeader = z.infer<typeof submittedHeaderSchema>;

/**
 * A submission that passed {@link inputSubmissionSchema}: the one typed value an edge (the HTTP route,
 * the Runtime API) hands inward, so nothing behind the edge parses it again. Built only by
 * {@link parseSubmission} and {@link splitSubmission}.
 */
export class ParsedSubmission {
  /** The submission as parsed (what travels on, when it is forwarded to another host). */
  readonly submission: InputSubmission;
  /** The kind and its kind-specific fields. */
  readonly payload: InputPayload;
  /** The header fields the caller set (the runtime fills in the rest). */
  readonly header: SubmittedHeader;

  constructor(submission: InputSubmission, payload: InputPayload, header: SubmittedHeader) {
    this.submission = submission;
    this.payload = payload;
    this.header = header;
  }

  /** The same submission with `fields` replaced (each passed its own schema). */
  withHeader(fields: HeaderOverrides): ParsedSubmission {
    return new ParsedSubmission({ ...this.submission, ...fields }, this.payload, {
      ...this.header,
      ...fields,
    });
  }

  /** Serialises as the submission itself. */
  toJSON(): InputSubmission {
    return this.submission;
  }
}

/** The header fields an accept's options may set over the submission's own. */
export type HeaderOverrides = Pick<SubmittedHeader, 'whenBusy' | 'idempotencyKey' | 'supersedeKey'>;

/** Splits a validated submission into its payload (kind-specific fields) and its header fields. */
export function splitSubmission(submission: InputSubmission): ParsedSubmission {
  const {
    inputId,
    origin,
    durability,
    idempotencyKey,
    whenBusy,
    supersedeKey,
    metadata,
    debounceMs,
    ttlMs,
    ...fields
  } = submission;
  const header: SubmittedHeader = {
    ...(inputId === undefined ? {} : { inputId }),
    ...(origin === undefined ? {} : { origin }),
    ...(durability === undefined ? {} : { durability }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(whenBusy === undefined ? {} : { whenBusy }),
    ...(supersedeKey === undefined ? {} : { supersedeKey }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(debounceMs === undefined ? {} : { debounceMs }),
    ...(ttlMs === undefined ? {} : { ttlMs }),
  };
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) payload[key] = value;
  // The schema admitted only JSON values for the kind-specific fields.
  return new ParsedSubmission(submission, payload as InputPayload, header);
}

/** What {@link parseSubmission} found: the parsed submission, or the issues as `path: message` lines. */
export type SubmissionParse =
  | { readonly ok: true; readonly submission: ParsedSubmission }
  | { readonly ok: false; readonly issues: readonly string[] };

/** Parses `value` (an input as submitted) once: the schema, then the split into payload and header. */
export function parseSubmission(value: unknown): SubmissionParse {
  const parsed = inputSubmissionSchema.safeParse(value);
  if (parsed.success) return { ok: true, submission: splitSubmission(parsed.data) };
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
  );
  return { ok: false, issues };
}

/** Where an input of `kind` comes from when its caller did not say. */
export function defaultOrigin(kind: InputKind): InputHeader['origin'] {
  if (kind === 'operation') return 'system';
  return kind.startsWith('peer_') ? 'peer' : 'operator';
}

/**
 * The complete header of an accepted input: the caller's fields, and the runtime's choices for the
 * rest (the minted id and the time come in as arguments; the core mints nothing).
 */
export function completeHeader(
  submitted: SubmittedHeader,
  kind: InputKind,
  filled: { readonly inputId: string; readonly sessionId: string; readonly createdAt: string },
): InputHeader {
  return {
    inputId: submitted.inputId ?? filled.inputId,
    sessionId: filled.sessionId,
    createdAt: filled.createdAt,
    origin: submitted.origin ?? defaultOrigin(kind),
    durability: submitted.durability ?? 'durable',
    idempotencyKey: submitted.idempotencyKey ?? null,
    whenBusy: submitted.whenBusy ?? null,
    supersedeKey: submitted.supersedeKey ?? null,
    metadata: submitted.metadata ?? null,
    debounceMs: submitted.debounceMs ?? null,
    ttlMs: submitted.ttlMs ?? null,
  };
}
