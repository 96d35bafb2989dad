// Rolling back a run that consumed nothing, and detaching an executor whose loop cannot go on (it
// crashed, the store refused a run's commit for good, or the machine refused the end of a run).
//
// A detached executor is not a stopped one: the bound run is rolled back (its inputs go back to the
// front of their lanes), the claim is released (`RuntimeExecutorLost`: attached rests idle), and a
// `runtime.notice` says why. Queued inputs stay queued, and the session can claim an executor again.

import { planRunEnd } from '../../core/ledger/run-end.js';
import type { LedgerPatch } from '../../core/ledger/input-ledger.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import { stepAll } from '../../core/machine/session-machine.js';
import { isCurrent } from '../session/refusals.js';
import type { RuntimeContext } from '../runtime-context.js';
import { commitChange } from '../session/commit.js';
import type { SessionEntry } from '../session/entry.js';

/**
 * Unbinds a run that consumed nothing: its inputs go back to the front of their lanes (the state a
 * recovery would give them). A no-op when the run is no longer bound or the session is gone. Throws
 * when the commit failed. Call it under the session's gate.
 */
export async function rollbackRun(
  ctx: RuntimeContext,
  entry: SessionEntry,
  runId: string,
): Promise<void> {
  if (!isCurrent(ctx, entry) || entry.machine.run?.runId !== runId) return;
  const rollback = stepAll(entry.machine, [{ type: 'RollbackRun', runId }]);
  if (!rollback.ok) return;
  const plan = planRunEnd(entry.ledger, runId, { type: 'rollback' }, ctx.nowIso());
  await commitChange(ctx, entry, { machine: rollback, patches: [plan.patch] });
}

/**
 * Detaches the session's executor because its loop cannot go on: rolls the bound run back, steps
 * `RuntimeExecutorLost` and says why in a notice, all in one commit; then forgets the loop. Throws when
 * the commit failed (nothing changed). Returns false, after logging the bug, when the machine refuses
 * (a run whose outcome is recorded cannot be rolled back). Call it under the session's gate.
 */
export async function detachExecutor(
  ctx: RuntimeContext,
  entry: SessionEntry,
  reason: string,
): Promise<boolean> {
  const inputs: MachineInput[] = [];
  const patches: LedgerPatch[] = [];
  const run = entry.machine.run;
  if (run !== null) {
    inputs.push({ type: 'RollbackRun', runId: run.runId });
    patches.push(planRunEnd(entry.ledger, run.runId, { type: 'rollback' }, ctx.nowIso()).patch);
  }
  inputs.push({ type: 'RuntimeExecutorLost', reason });
  const stepped = stepAll(entry.machine, inputs);
  if (!stepped.ok) {
    ctx.log.error('bug: the machine refused to detach an executor', {
      sessionId: entry.sessionId,
      reason,
      rejection: stepped.rejection,
    });
    return false;
  }
  await commitChange(ctx, entry, {
    machine: stepped,
    patches,
    events: [{ type: 'session.executor_detached', data: { reason } }],
  });
  entry.detach();
  return true;
}
