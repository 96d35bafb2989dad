// The owner's side of ingress from any host (issue 11, items 2 and 3): a loop that takes the mailbox
// requests of the sessions this host holds a live lease on, every `mailboxPollMs` and at once when a
// NOTIFY says one was posted, runs each through the local runtime (the same operations, admission
// and write path as a local caller) and records the answer right after.
//
// A request whose answer was never recorded (this host died or lost the lease after taking it) is
// taken again by the session's next owner, under its higher fence; an input carries the id its
// receiving host gave it, so running it again deduplicates instead of admitting it twice. Answers
// nobody read (the poster gave up or died) are pruned an hour after they were recorded, and requests
// still unanswered an hour after they were posted are dropped unrun: their poster stopped waiting
// long ago, and a control operation run that late would surprise more than it helps.

import { toError } from '../../core/errors.js';
import type { MailboxMethods, MailboxRequest } from '../../store/runtime-store.js';
import { sessionIdOf } from '../../store/runtime-store.js';
import type { Runtime } from '../runtime-api.js';
import type { RuntimeContext } from '../runtime-context.js';
import { runRequest } from './ingress-dispatch.js';
import type { IngressAnswer } from './ingress-request.js';
import { errorAnswer, parseEnvelope } from './ingress-request.js';

/** Requests taken per poll. */
const TAKE_LIMIT = 100;
/** How long an answer nobody read, or a request nobody answered, is kept; and how often they are pruned. */
const STALE_REQUEST_MS = 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;

/** The running loop: `stop` ends polling; `drained` settles when requests in progress have ended. */
export interface MailboxLoop {
  stop(): Promise<void>;
  drained(): Promise<void>;
}

/** Starts the owner's mailbox loop on `local` (the runtime without forwarding). */
export function startMailboxLoop(
  ctx: RuntimeContext,
  mailbox: MailboxMethods,
  local: Runtime,
): MailboxLoop {
  const stopper = new AbortController();
  const inFlight = new Set<Promise<void>>();

  const answer = async (request: MailboxRequest): Promise<void> => {
    let result: IngressAnswer;
    try {
      const envelope = parseEnvelope(request.body);
      result = { ok: true, value: await runRequest(local, envelope.sessionId, envelope.request) };
    } catch (error: unknown) {
      result = errorAnswer(error);
    }
    // A runtime shutting down leaves the request unanswered: the session's next owner takes it.
    if (ctx.closing) return;
    await mailbox.answer(request.requestId, result, ctx.clock.now());
    ctx.ownershipStats.mailboxAnswered += 1;
  };

  // Each request starts at once, in mailbox order: an operation takes the session's gate before its
  // first await, so inputs are admitted in the order they were posted, while a long one (a stop
  // waiting for its turn) never holds back the next (an interrupt that would end that turn).
  const start = (request: MailboxRequest): void => {
    ctx.ownershipStats.mailboxDepth += 1;
    const running: Promise<void> = answer(request)
      .catch((error: unknown) =>
        ctx.log.warn('could not answer a mailbox request', {
          sessionId: sessionIdOf(request.runtimeId),
          requestId: request.requestId,
          error: toError(error).message,
        }),
      )
      .finally(() => {
        ctx.ownershipStats.mailboxDepth -= 1;
        inFlight.delete(running);
      });
    inFlight.add(running);
  };

  const poll = async (): Promise<void> => {
    let pruneAt = ctx.clock.now();
    while (!stopper.signal.aborted) {
      try {
        for (const request of await mailbox.take(ctx.hostId, ctx.clock.now(), TAKE_LIMIT)) {
          start(request);
        }
        if (ctx.clock.now() >= pruneAt) {
          pruneAt = ctx.clock.now() + PRUNE_EVERY_MS;
          await mailbox.prune(ctx.clock.now() - STALE_REQUEST_MS);
        }
      } catch (error: unknown) {
        ctx.log.warn('the mailbox poll failed', { error: toError(error).message });
      }
      try {
        await ctx.wakeups.wait('mailbox', ctx.options.mailboxPollMs, stopper.signal);
      } catch {
        return;
      }
    }
  };
  const polling = poll();

  return {
    async stop() {
      stopper.abort(new Error('runtime closing'));
      await polling;
    },
    async drained() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
