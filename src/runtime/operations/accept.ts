// `runtime.acceptInput` (02): the process-wide checks (shutdown, accepts in flight), then the
// session's gate and entry (activated on first touch), then the accept itself (runtime/operations/input-accept.ts).

import { BurrowError } from '../../core/errors.js';
import type { InputSubmission } from '../../core/input-kinds.js';
import type { ParsedSubmission } from '../../core/input-submission.js';
import { acceptOnEntry } from './input-accept.js';
import type { AcceptOptions, AcceptResult } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import { entryUnderGate } from '../session/access.js';
import type { Release } from '../keyed-mutex.js';

/** The session's gate, counted as waited for by an accept while it is (the cue of group commit). */
async function gateForAccept(
  ctx: RuntimeContext,
  sessionId: string,
  signal: AbortSignal | undefined,
): Promise<Release> {
  const waiting = ctx.acceptsWaiting;
  waiting.set(sessionId, (waiting.get(sessionId) ?? 0) + 1);
  try {
    return await ctx.gate.lock(sessionId, signal);
  } finally {
    const left = (waiting.get(sessionId) ?? 1) - 1;
    if (left === 0) waiting.delete(sessionId);
    else waiting.set(sessionId, left);
  }
}

/** Accepts an input (02). With `withoutWake`, the input is recorded but the loop is not woken. */
export async function acceptInput(
  ctx: RuntimeContext,
  sessionId: string,
  input: InputSubmission | ParsedSubmission,
  options: AcceptOptions,
  withoutWake: boolean,
): Promise<AcceptResult> {
  if (ctx.closing)
    throw new BurrowError('not_ready', 'the runtime is shutting down', {
      sessionId,
      phase: 'closing',
    });
  if (ctx.inflightAccepts >= ctx.options.maxInflightAccepts) {
    throw new BurrowError('queue_full', 'too many accepts in flight in this process', {
      sessionId,
      limit: ctx.options.maxInflightAccepts,
    });
  }
  ctx.inflightAccepts += 1;
  try {
    const release = await gateForAccept(ctx, sessionId, options.signal);
    try {
      const entry = await entryUnderGate(ctx, sessionId);
      // The accept may release the gate early, once its write is queued (group commit within a session).
      return await acceptOnEntry(ctx, entry, input, options, withoutWake, release);
    } finally {
      release();
    }
  } finally {
    ctx.inflightAccepts -= 1;
  }
}
