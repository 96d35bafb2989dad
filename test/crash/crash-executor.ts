// The crash child's executor: records every run it starts and finishes in the side file, appends
// messages that name its inputs, and in hold mode keeps each turn open until the parent releases it.

import { setTimeout as delay } from 'node:timers/promises';
import type { Executor } from '../../src/runtime/executor.js';
import type { SideFile } from './crash-child-io.js';
import { send } from './crash-child-io.js';
import { turnMessages } from './crash-protocol.js';
import type { SeededRandom } from './seeded-random.js';

/** The executor factory of the child and the switches the parent drives. */
export interface CrashExecutors {
  /** The executor of one session (also the runtime's factory for recovery). */
  readonly executorFor: (sessionId: string) => Executor;
  /** Hold (true) or let turns finish on their own; switching to auto releases every held turn. */
  setHold(hold: boolean): void;
  /** Ends a held turn (no-op when it is not held). */
  release(runId: string): void;
}

/** Waits for `release(runId)`, or rejects with `signal.reason` when the turn is cancelled. */
function holdUntilReleased(
  held: Map<string, () => void>,
  runId: string,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      held.delete(runId);
      reject(signal.reason);
    };
    held.set(runId, () => {
      held.delete(runId);
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Creates the executors of a child process with id `pid`, recording into `side`. */
export function crashExecutors(side: SideFile, random: SeededRandom, pid: number): CrashExecutors {
  let hold = false;
  const held = new Map<string, () => void>();
  const executor = (sessionId: string): Executor => ({
    async apply(run, ctx) {
      const inputIds = run.inputs.map((input) => input.inputId);
      const { runId, attempt } = run;
      side.append({ t: 'start', pid, runId, sessionId, inputIds, attempt });
      send({ type: 'turn_started', runId, sessionId, inputIds, attempt });
      try {
        if (hold) await holdUntilReleased(held, runId, ctx.signal);
        // A few milliseconds of "work" in auto mode, so kills land at varied points of a turn.
        else await delay(random.int(0, 3), undefined, { signal: ctx.signal });
      } catch (error: unknown) {
        side.append({ t: 'finish', pid, runId, sessionId, status: 'aborted', messages: 0 });
        send({ type: 'turn_finished', runId, status: 'aborted' });
        throw error;
      }
      const append = turnMessages(runId, inputIds);
      side.append({
        t: 'finish',
        pid,
        runId,
        sessionId,
        status: 'completed',
        messages: append.length,
      });
      send({ type: 'turn_finished', runId, status: 'completed' });
      return { status: 'completed', output: { inputIds }, append: append.map((m) => ({ ...m })) };
    },
  });
  return {
    executorFor: executor,
    setHold(next) {
      hold = next;
      if (!next) for (const release of [...held.values()]) release();
    },
    release: (runId) => held.get(runId)?.(),
  };
}
