// The stop operation (03): the current turn finishes, the loop exits, pending inputs end `stopped`.

import type { MachineInput } from '../../core/machine/inputs.js';
import { stepOrThrow } from '../session/refusals.js';
import { withSession } from '../session/access.js';
import { repairDeadAttachment } from '../session/attach.js';
import type { OperationOptions } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import { onAbort } from '../../core/abort.js';
import { control } from './control-step.js';

/**
 * Stops the executor. With a live loop the stop is deferred until the current turn ends; the loop then
 * exits and the session becomes `stopped` with its pending inputs abandoned `stopped`. Resolves when
 * that has happened (or at once when there is no loop).
 */
export async function stop(
  ctx: RuntimeContext,
  sessionId: string,
  reason: string,
  options: OperationOptions,
): Promise<void> {
  const loopDone = await withSession(
    ctx,
    sessionId,
    async (entry) => {
      await repairDeadAttachment(ctx, entry);
      const loop = entry.loop;
      if (loop !== null) {
        const requested = stepOrThrow(sessionId, entry.machine, {
          type: 'StopRuntimeExecutor',
          reason,
        });
        await commitChange(ctx, entry, { machine: requested });
        return { done: loop.done };
      }
      const inputs: MachineInput[] = [{ type: 'StopRuntimeExecutor', reason }];
      if (entry.machine.run === null) inputs.push({ type: 'RuntimeExecutorExited' });
      await control(
        ctx,
        entry,
        inputs,
        entry.machine.run === null ? { reason: 'stopped', scope: 'queued', message: reason } : null,
      );
      return null;
    },
    options.signal,
  );
  if (loopDone === null) return;
  const { signal } = options;
  if (signal === undefined) return loopDone.done;
  signal.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    const stopListening = onAbort(signal, reject);
    void loopDone.done.then(() => {
      stopListening();
      resolve();
    });
  });
}
