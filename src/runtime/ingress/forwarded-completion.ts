// The completion of an input admitted by another host's runtime (issue 11, item 3): the receiving
// host has no waiter for it, so it reads the input until it is terminal, from the store (where the
// owner commits the outcome) or, for an input the store does not keep (ephemeral), from its owner.
// Woken by the owner's NOTIFY of new events; polls with a back-off otherwise.

import { BurrowError } from '../../core/errors.js';
import type { InputOutcome, InputRecord } from '../../core/ledger/input-record.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import type { RuntimeContext } from '../runtime-context.js';

/** The longest pause between two reads of a waiting input. */
const MAX_POLL_MS = 2_000;

/**
 * Settles with the input's outcome once it is terminal; rejects `not_ready` when the runtime closes
 * first. The rejection is marked handled: nobody has to await a completion.
 */
export function forwardedCompletion(
  ctx: RuntimeContext,
  sessionId: string,
  inputId: string,
  readFromOwner: () => Promise<InputRecord | null>,
): Promise<InputOutcome> {
  const runtimeId = runtimeIdOf(sessionId);
  const poll = async (): Promise<InputOutcome> => {
    let pause = ctx.options.eventPollMs;
    while (!ctx.closing) {
      const record = (await ctx.store?.readInput(runtimeId, inputId)) ?? (await readFromOwner());
      if (record?.outcome !== null && record?.outcome !== undefined) return record.outcome;
      await ctx.wakeups.wait(`events:${runtimeId}`, pause);
      pause = Math.min(pause * 2, Math.max(MAX_POLL_MS, ctx.options.eventPollMs));
    }
    throw new BurrowError('not_ready', 'the runtime shut down before the input ended', {
      sessionId,
      inputId,
    });
  };
  const completion = poll();
  void completion.catch(() => undefined); // handled here so an unawaited completion never crashes the process
  return completion;
}
