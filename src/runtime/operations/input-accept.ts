// Accepting an input into a session whose entry the caller holds under its gate (02): one parse (none
// when the edge already parsed it), the size limit, the superseding of pending approvals, the
// admission. Every refusal but a store outage is published as `input.rejected`.

import { BurrowError } from '../../core/errors.js';
import type { InputSubmission } from '../../core/input-kinds.js';
import type { HeaderOverrides } from '../../core/input-submission.js';
import {
  ParsedSubmission,
  parseSubmission,
  submittedHeaderSchema,
} from '../../core/input-submission.js';
import { supersedeApprovals } from '../approvals/denials.js';
import { admitParsed, requireAcceptsInput } from './input-admit.js';
import type { AcceptOptions, AcceptResult } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import type { Release } from '../keyed-mutex.js';

function reject(entry: SessionEntry, error: BurrowError): BurrowError {
  entry.events.emitTransient({
    type: 'input.rejected',
    data: { code: error.code, message: error.message, inputId: error.details.inputId ?? null },
  });
  return error;
}

const overridesSchema = submittedHeaderSchema.pick({
  whenBusy: true,
  idempotencyKey: true,
  supersedeKey: true,
});

function invalid(sessionId: string, issues: readonly string[]): BurrowError {
  return new BurrowError('validation_failed', `invalid input: ${issues.join('; ')}`, {
    sessionId,
    issues: [...issues],
  });
}

/** The header fields `options` sets over the submission's own. */
function overridesOf(options: AcceptOptions): HeaderOverrides | null {
  const { whenBusy, idempotencyKey, supersedeKey } = options;
  if (whenBusy === undefined && idempotencyKey === undefined && supersedeKey === undefined)
    return null;
  return {
    ...(whenBusy === undefined ? {} : { whenBusy }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(supersedeKey === undefined ? {} : { supersedeKey }),
  };
}

/** `input` as one parsed value: parsed here unless the edge parsed it, with `options` applied. */
function parsedInput(
  sessionId: string,
  input: InputSubmission | ParsedSubmission,
  options: AcceptOptions,
): ParsedSubmission {
  const overrides = overridesOf(options);
  if (input instanceof ParsedSubmission) {
    if (overrides === null) return input;
    const header = overridesSchema.safeParse(overrides);
    if (!header.success)
      throw invalid(
        sessionId,
        header.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      );
    return input.withHeader(header.data);
  }
  const parsed = parseSubmission(overrides === null ? input : { ...input, ...overrides });
  if (!parsed.ok) throw invalid(sessionId, parsed.issues);
  return parsed.submission;
}

function checkSize(ctx: RuntimeContext, sessionId: string, submission: ParsedSubmission): void {
  const limit = ctx.options.maxInputBytes;
  // The payload's and the header's fields are disjoint: this is the submission's serialised size.
  const size = Buffer.byteLength(JSON.stringify({ ...submission.payload, ...submission.header }));
  if (size <= limit) return;
  throw new BurrowError('validation_failed', `input is ${size} bytes, over the limit of ${limit}`, {
    sessionId,
    issues: [`(input): ${size} bytes > ${limit}`],
    limit,
  });
}

/**
 * `input` parsed and within the size limit. A session whose phase takes no input refuses with its
 * phase before any shape check (02, validation order): the machine is asked only when the shape fails,
 * since the one step of the admission would refuse a valid input the same way.
 */
function checkedInput(
  ctx: RuntimeContext,
  entry: SessionEntry,
  input: InputSubmission | ParsedSubmission,
  options: AcceptOptions,
): ParsedSubmission {
  try {
    const submission = parsedInput(entry.sessionId, input, options);
    checkSize(ctx, entry.sessionId, submission);
    return submission;
  } catch (error: unknown) {
    requireAcceptsInput(entry);
    throw error;
  }
}

/**
 * Accepts `input` into `entry` (02). Call with the session's gate held; with `gate`, the accept may
 * release it before its write is durable so the accepts behind it share that write (input-admit.ts).
 */
export async function acceptOnEntry(
  ctx: RuntimeContext,
  entry: SessionEntry,
  input: InputSubmission | ParsedSubmission,
  options: AcceptOptions,
  withoutWake: boolean,
  gate?: Release,
): Promise<AcceptResult> {
  try {
    const submission = checkedInput(ctx, entry, input, options);
    // A new prompt while tool calls wait for a decision denies them as superseded first, so the
    // transcript the prompt's turn sees closes every call (docs/decisions.md, issue 12).
    if (submission.payload.kind === 'prompt') await supersedeApprovals(ctx, entry);
    return await admitParsed(
      ctx,
      entry,
      submission.payload,
      submission.header,
      withoutWake,
      gate === undefined ? {} : { gate },
    );
  } catch (error: unknown) {
    if (error instanceof BurrowError && error.code !== 'store_unavailable')
      throw reject(entry, error);
    throw error;
  }
}
