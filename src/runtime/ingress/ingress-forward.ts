// The receiving host's side of ingress from any host (issue 11, item 3). An operation is tried here
// first: it runs when this host owns the session, or claims it when nobody live does (the existing
// activation path). Refused `fenced` (another live host holds the lease), it is posted to the
// durable mailbox and this host waits, bounded by `ingressTimeoutMs`, for the owner's answer, which
// it returns or throws exactly as the owner would have. While it waits it watches the lease: an owner
// that is gone before it took the request gets the request withdrawn and tried here again; one that
// is gone after taking it gets the session claimed here, and this host's own mailbox loop takes the
// request again under its new fence.

import { BurrowError, isBurrowError } from '../../core/errors.js';
import type { JsonValue } from '../../core/json.js';
import type { RuntimeId } from '../../store/runtime-store.js';
import type { MailboxMethods } from '../../store/mailbox-types.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import { uuidv7 } from '../ids.js';
import { isDeadLocalOwner, ownsThroughStore } from '../ownership/leases.js';
import type { RuntimeContext } from '../runtime-context.js';
import { activeEntry } from '../session/access.js';
import type { IngressEnvelope, IngressRequest } from './ingress-request.js';
import { answerValue, INGRESS_REQUEST_VERSION } from './ingress-request.js';

/** How often a waiting host checks that the session's owner is still alive. */
const OWNER_CHECK_MS = 500;

/** The mailbox, when this runtime forwards (its store has one and arbitrates ownership). */
export function mailboxOf(ctx: RuntimeContext): MailboxMethods | null {
  return ctx.store?.mailbox !== undefined && ownsThroughStore(ctx) ? ctx.store.mailbox : null;
}

/**
 * Runs `local` here, or forwards `request` to the session's live owner when `local` is refused
 * `fenced`; `decode` turns the owner's result into what `local` returns.
 */
export async function routed<T>(
  ctx: RuntimeContext,
  sessionId: string,
  request: IngressRequest,
  local: () => Promise<T>,
  decode: (value: JsonValue) => T,
): Promise<T> {
  const mailbox = mailboxOf(ctx);
  if (mailbox === null) return local();
  const deadline = ctx.clock.now() + ctx.options.ingressTimeoutMs;
  for (;;) {
    try {
      return await local();
    } catch (error: unknown) {
      if (!isBurrowError(error, 'fenced')) throw error;
    }
    const reply = await forwardOnce(ctx, mailbox, sessionId, stamped(ctx, request), deadline);
    if (reply === 'owner-gone') continue;
    try {
      return decode(answerValue(reply.answer));
    } catch (error: unknown) {
      // The owner lost the session before it ran the request (nothing was done): try again.
      if (!isBurrowError(error, 'fenced') || ctx.clock.now() >= deadline) throw error;
    }
  }
}

/**
 * The request as posted: an input gets its id here unless the caller chose one, so an owner that
 * takes it again after a failover deduplicates it instead of admitting it twice.
 */
function stamped(ctx: RuntimeContext, request: IngressRequest): IngressRequest {
  if (request.op !== 'acceptInput' || request.input.inputId !== undefined) return request;
  return { ...request, input: { ...request.input, inputId: uuidv7(ctx.clock.now()) } };
}

/** True when nobody live holds the session's lease (free, expired, or a gone process of this machine). */
async function ownerGone(ctx: RuntimeContext, runtimeId: RuntimeId): Promise<boolean> {
  const owner = await ctx.store?.owner?.(runtimeId);
  if (owner === undefined || owner === null) return true;
  return owner.expiresAt <= ctx.clock.now() || isDeadLocalOwner(owner.hostId);
}

/** What waiting for a forwarded request ends with: the owner's answer, or the owner gone before it took it. */
type Reply = { readonly answer: JsonValue } | 'owner-gone';

/** Posts one request and waits for its answer; `owner-gone` when it was withdrawn unanswered. */
async function forwardOnce(
  ctx: RuntimeContext,
  mailbox: MailboxMethods,
  sessionId: string,
  request: IngressRequest,
  deadline: number,
): Promise<Reply> {
  const runtimeId = runtimeIdOf(sessionId);
  const requestId = uuidv7(ctx.clock.now());
  const envelope: IngressEnvelope = { v: INGRESS_REQUEST_VERSION, sessionId, request };
  await mailbox.post({
    requestId,
    runtimeId,
    fromHost: ctx.hostId,
    body: JSON.parse(JSON.stringify(envelope)) as JsonValue,
    postedAt: ctx.clock.now(),
  });
  ctx.ownershipStats.mailboxForwarded += 1;
  let ownerCheckAt = ctx.clock.now() + OWNER_CHECK_MS;
  for (;;) {
    const state = await mailbox.read(requestId);
    if (state === null) {
      throw new BurrowError('internal', `forwarded request ${requestId} vanished unanswered`, {
        sessionId,
      });
    }
    if (state.answer !== null) {
      await mailbox.remove(requestId).catch(() => undefined); // pruned later if this fails
      return { answer: state.answer };
    }
    const now = ctx.clock.now();
    if (now >= deadline || ctx.closing) {
      ctx.ownershipStats.mailboxTimeouts += 1;
      const withdrawn = !state.taken && (await mailbox.withdraw(requestId));
      throw unanswered(ctx, sessionId, request, withdrawn);
    }
    if (now >= ownerCheckAt) {
      ownerCheckAt = now + OWNER_CHECK_MS;
      if (await ownerGone(ctx, runtimeId)) {
        if (await mailbox.withdraw(requestId)) return 'owner-gone';
        // Taken by an owner now gone: claim the session here; this host's mailbox loop takes it again.
        await activeEntry(ctx, sessionId).catch(() => undefined);
      }
    }
    const wait = Math.min(ctx.options.mailboxPollMs, deadline - now);
    await ctx.wakeups.wait(`answer:${requestId}`, wait);
  }
}

/** The retryable refusal of a forwarded request its owner did not answer in time. */
function unanswered(
  ctx: RuntimeContext,
  sessionId: string,
  request: IngressRequest,
  withdrawn: boolean,
): BurrowError {
  const inputId = request.op === 'acceptInput' ? request.input.inputId : undefined;
  const after = ctx.closing
    ? 'before this host shut down'
    : `within ${ctx.options.ingressTimeoutMs} ms`;
  const message = withdrawn
    ? `the owner of session ${sessionId} did not take the forwarded request ${after}; nothing was done, retry`
    : `the owner of session ${sessionId} took the forwarded request but did not answer ${after}; it may still run it: retry with the same idempotency key${inputId === undefined ? '' : ` or read input ${inputId}`}`;
  return new BurrowError('store_unavailable', message, {
    sessionId,
    ...(inputId === undefined ? {} : { inputId }),
  });
}
