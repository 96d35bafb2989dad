// What one runtime runs for the hosts it shares its store with (issue 11): the store's wake-up
// subscription (LISTEN) feeding the runtime's wake-up hub, and the owner's mailbox loop.

import type { Runtime } from '../runtime-api.js';
import type { RuntimeContext } from '../runtime-context.js';
import { mailboxOf } from './ingress-forward.js';
import { startMailboxLoop } from './ingress-mailbox.js';
import { withIngress } from './ingress-runtime.js';

/** The running parts; `stop` ends polling before the runtime closes, `close` the rest after it. */
interface IngressHost {
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Starts listening and the mailbox loop (each only when the store supports it). */
function startIngressHost(ctx: RuntimeContext, local: Runtime): IngressHost {
  const subscription = ctx.store?.subscribeWakeups?.((wake) => ctx.wakeups.notice(wake)) ?? null;
  const mailbox = mailboxOf(ctx);
  const loop = mailbox === null ? null : startMailboxLoop(ctx, mailbox, local);
  return {
    stop: async () => {
      await loop?.stop();
    },
    close: async () => {
      await loop?.drained();
      await subscription?.close();
    },
  };
}

/**
 * The public runtime over `local`: session operations routed to their owner (ingress-runtime.ts),
 * the wake-up subscription and mailbox loop running, and `close` ending them around `local.close`.
 */
export function withIngressHost(ctx: RuntimeContext, local: Runtime): Runtime {
  const host = startIngressHost(ctx, local);
  let closed: Promise<void> | null = null;
  return {
    ...withIngress(ctx, local),
    close: (options) => {
      // Polling stops first (no request is taken while sessions close); requests in progress and
      // the LISTEN connection end after the runtime closed.
      closed ??= (async () => {
        await host.stop();
        try {
          await local.close(options);
        } finally {
          // Waiters of forwarded requests and completions see the runtime closed and end.
          ctx.wakeups.release();
          await host.close();
        }
      })();
      return closed;
    },
  };
}
