// The shared step of the control operations: step the machine, abandon pending inputs, commit.

import type { AbandonReason } from '../../core/ledger/input-record.js';
import { planAbandonPending } from '../../core/ledger/run-end.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import { stepAll } from '../../core/machine/session-machine.js';
import { refusalError } from '../session/refusals.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import type { SessionEntry } from '../session/entry.js';

/** Steps `inputs` and commits them, abandoning pending inputs as `abandon` says (null: none). */
export async function control(
  ctx: RuntimeContext,
  entry: SessionEntry,
  inputs: readonly MachineInput[],
  abandon: { reason: AbandonReason; scope: 'queued' | 'all'; message: string } | null,
): Promise<void> {
  const result = stepAll(entry.machine, inputs);
  if (!result.ok) throw refusalError(entry.sessionId, result);
  const patches =
    abandon === null
      ? []
      : [
          planAbandonPending(
            entry.ledger,
            abandon.reason,
            abandon.scope,
            abandon.message,
            ctx.nowIso(),
          ).patch,
        ];
  await commitChange(ctx, entry, { machine: result, patches });
}
