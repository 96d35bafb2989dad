// The comms drain: an in-process peer channel (a mailbox per session) and the per-session task that
// pulls peer inputs into the session. The machine owns the task's lifecycle (SpawnDrain, NotifyDrainExited).

import { BurrowError, toError } from '../core/errors.js';
import type { InputSubmission } from '../core/input-kinds.js';
import type { CommsDrainMode } from '../core/machine/state.js';
import { step } from '../core/machine/session-machine.js';
import { acceptInput } from './operations/accept.js';
import { isCurrent, stepOrThrow } from './session/refusals.js';
import { activeEntry, withSession } from './session/access.js';
import type { RuntimeContext } from './runtime-context.js';
import { commitChange } from './session/commit.js';
import type { SessionEntry } from './session/entry.js';
import type { CommsHandle } from './session/entry-types.js';
import { onAbort } from '../core/abort.js';

const PEER_KINDS: readonly string[] = ['peer_message', 'peer_request', 'peer_response'];

/** A mailbox of peer inputs waiting to be pulled into one session. */
class Mailbox {
  readonly items: InputSubmission[] = [];
  #waiter: (() => void) | null = null;

  push(input: InputSubmission): void {
    this.items.push(input);
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  /** Waits for an item; resolves false when the signal aborts first. */
  async ready(signal: AbortSignal): Promise<boolean> {
    if (this.items.length > 0) return true;
    if (signal.aborted) return false;
    return new Promise((resolve) => {
      const stopListening = onAbort(signal, () => resolve(false));
      this.#waiter = () => {
        stopListening();
        resolve(true);
      };
    });
  }
}

const mailboxes = new WeakMap<RuntimeContext, Map<string, Mailbox>>();

function mailbox(ctx: RuntimeContext, sessionId: string): Mailbox {
  let boxes = mailboxes.get(ctx);
  if (boxes === undefined) mailboxes.set(ctx, (boxes = new Map<string, Mailbox>()));
  let box = boxes.get(sessionId);
  if (box === undefined) boxes.set(sessionId, (box = new Mailbox()));
  return box;
}

/** Sends a peer input to a registered session's mailbox; its comms drain pulls it in. */
export async function sendPeer(
  ctx: RuntimeContext,
  toSessionId: string,
  input: InputSubmission,
): Promise<void> {
  await activeEntry(ctx, toSessionId);
  if (!PEER_KINDS.includes(input.kind)) {
    throw new BurrowError(
      'validation_failed',
      `only peer inputs travel on the peer channel, not ${input.kind}`,
      {
        sessionId: toSessionId,
        issues: [`kind: ${input.kind} is not a peer kind`],
      },
    );
  }
  await Promise.resolve();
  mailbox(ctx, toSessionId).push(input);
}

async function pull(
  ctx: RuntimeContext,
  entry: SessionEntry,
  signal: AbortSignal,
): Promise<'completed' | 'failed' | 'aborted'> {
  const box = mailbox(ctx, entry.sessionId);
  while (await box.ready(signal)) {
    const input = box.items.shift() as InputSubmission;
    try {
      await acceptInput(ctx, entry.sessionId, input, { signal }, false);
    } catch (error: unknown) {
      if (signal.aborted) return 'aborted';
      ctx.log.warn('a peer input was refused', {
        sessionId: entry.sessionId,
        error: toError(error).message,
      });
      if (error instanceof BurrowError && error.code === 'session_not_found') return 'completed';
    }
  }
  return 'aborted';
}

/**
 * Starts the comms drain task of a session and returns its handle: the `SpawnDrainTask` effect, which
 * effects.ts performs through `ctx.spawnCommsDrain` (create-context.ts wires it, so that the effects do
 * not import the operations the drain calls). When the task ends, `NotifyDrainExited` is committed.
 */
export function spawnCommsDrain(ctx: RuntimeContext, entry: SessionEntry): CommsHandle {
  const controller = new AbortController();
  const done = pull(ctx, entry, controller.signal).then(async (reason) => {
    await ctx.gate.with(entry.sessionId, async () => {
      if (!isCurrent(ctx, entry) || entry.comms !== handle) return;
      entry.setComms(null);
      const exited = step(entry.machine, { type: 'NotifyDrainExited', reason });
      if (exited.ok) await commitChange(ctx, entry, { machine: exited });
    });
  });
  const handle: CommsHandle = { done, abort: (reason) => controller.abort(reason) };
  return handle;
}

/** Enables the comms drain of a session (SpawnDrain: the commit's effect starts the task). */
export function enableComms(
  ctx: RuntimeContext,
  sessionId: string,
  mode: CommsDrainMode,
): Promise<void> {
  return withSession(ctx, sessionId, async (entry) => {
    const spawned = stepOrThrow(sessionId, entry.machine, { type: 'SpawnDrain', mode });
    await commitChange(ctx, entry, { machine: spawned });
  });
}
