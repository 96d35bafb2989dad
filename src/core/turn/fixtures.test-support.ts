// Test support for the turn planner: a session with a staged run, built through the real planners.

import type { PendingApproval } from '../approvals.js';
import type { Ledger } from '../ledger/input-ledger.js';
import { applyLedgerPatch, createLedger } from '../ledger/input-ledger.js';
import { planStageBatch } from '../ledger/batch.js';
import { planAdmit } from '../ledger/admit.js';
import type { RunEnd } from '../ledger/run-end.js';
import { planRunEnd } from '../ledger/run-end.js';
import { NOTHING_KNOWN } from '../ledger/identity.js';
import { admitRequest, at } from '../ledger/fixtures.test-support.js';
import { initialState } from '../machine/state.js';
import { stepAll } from '../machine/session-machine.js';
import type { EndingTurn } from './planner.js';

const RETRY: RunEnd = {
  type: 'failed',
  retryable: true,
  maxAttempts: 99,
  error: { code: 'llm_failure', message: 'x', retryable: true },
};

/** A session with `count` merge prompts staged into run r1 (their `attempts`-th time), its machine running r1. */
export function turnWith(
  count: number,
  options: { attempts?: number; boundaryCancel?: boolean } = {},
): EndingTurn {
  const ledger: Ledger = createLedger('s1');
  for (let i = 0; i < count; i += 1) {
    const request = admitRequest(`in${i}`, { kind: 'prompt', content: `p${i}`, whenBusy: 'merge' });
    const plan = planAdmit(ledger, request, {
      running: false,
      maxQueuedInputs: 100,
      stored: NOTHING_KNOWN,
    });
    if (plan.status === 'accepted') applyLedgerPatch(ledger, plan.patch);
  }
  const attempts = options.attempts ?? 1;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const staged = planStageBatch(ledger, 'r1', at(1));
    if (staged === null) throw new Error('nothing staged');
    applyLedgerPatch(ledger, staged.patch);
    // The earlier attempts failed and were put back in their lane.
    if (attempt < attempts) applyLedgerPatch(ledger, planRunEnd(ledger, 'r1', RETRY, at(1)).patch);
  }
  const stepped = stepAll(initialState(), [
    { type: 'Initialize' },
    { type: 'RegisterSession', sessionId: 's1' },
    { type: 'EnsureSessionWithExecutor', sessionId: 's1' },
    { type: 'Prepare', sessionId: 's1', runId: 'r1' },
    ...(options.boundaryCancel === true
      ? [
          { type: 'RequestCancelAfterBoundary', runId: 'r1' } as const,
          { type: 'BoundaryApplied', runId: 'r1' } as const,
        ]
      : []),
  ]);
  if (!stepped.ok) throw new Error(JSON.stringify(stepped.rejection));
  return {
    machine: stepped.state,
    ledger,
    runId: 'r1',
    attempt: options.attempts ?? 1,
    receiptSeq: 4,
    approvals: [],
    maxAttempts: 3,
    now: at(2),
  };
}

/** A pending approval with id `id`, asked by run r1. */
export const approval = (id: string): PendingApproval => ({
  approvalId: id,
  runId: 'r1',
  toolCallId: `call-${id}`,
  toolName: 'deploy',
  input: { to: 'prod' },
  callHash: `sha256:${id}`,
  requestedAt: at(2),
  expiresAt: at(20),
});
