// Decisions racing each other and new prompts (fast-check scheduler, issue 12): approve / deny
// attempts, with or without a reason, with the right hash or another, and prompts, interleaved
// adversarially. Whatever the order: one decision is recorded for the approval (a person's, or the
// runtime's `superseded` when a prompt came first; none when every attempt named another call and no
// prompt came), every other attempt is deduplicated or refused with the documented code, the call runs
// at most once (exactly once when the decision approves), the transcript answers it at most once, and
// no prompt waits behind an approval (every completion settles).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/core/json.js';
import { isBurrowError } from '../../src/core/errors.js';
import type { Executor } from '../../src/runtime/executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';

/** Asks to run `deleteFile` for each prompt; runs it for an approve; each run is recorded. */
function agent(executions: string[], step: () => Promise<void>): Executor {
  let n = 0;
  return {
    apply: async (run) => {
      await step();
      const decisions = run.inputs.filter((i) => i.kind === 'approval_decision');
      if (decisions.length === 0) {
        n += 1;
        const toolCallId = `call-${n}`;
        return {
          status: 'awaiting_approval',
          approvals: [{ toolCallId, toolName: 'deleteFile', input: { n } }],
          append: [{ role: 'assistant', call: toolCallId }],
        };
      }
      const results: JsonValue[] = decisions.map((d) => {
        const approved = d.payload['decision'] === 'approve';
        if (approved) executions.push(JSON.stringify(d.payload['toolCallId']));
        return { role: 'tool', call: d.payload['toolCallId'] ?? null, approved };
      });
      return { status: 'completed', append: results };
    },
  };
}

const attempt = fc.oneof(
  fc.record({
    kind: fc.constant('decide' as const),
    decision: fc.constantFrom('approve' as const, 'deny' as const),
    reason: fc.constantFrom(undefined, 'because'),
    rightHash: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('prompt' as const) }),
);

describe('approval decisions under adversarial interleavings', () => {
  it('admit one decision per approval; the call runs at most once and is answered once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(attempt, { minLength: 1, maxLength: 6 }),
        async (s, attempts) => {
          const runtime = await createRuntime({ retryBackoffMs: { base: 0, max: 0 } });
          let scheduled = false;
          try {
            const executions: string[] = [];
            const step = () =>
              scheduled ? s.schedule(Promise.resolve(), 'turn') : Promise.resolve();
            await runtime.registerSessionWithExecutor('s1', agent(executions, step));
            await (
              await runtime.acceptInput('s1', { kind: 'prompt', content: 'go' })
            ).completion;
            const [approval] = await runtime.listApprovals('s1');
            if (approval === undefined) throw new Error('no approval');
            scheduled = true;
            const outcomes: string[] = [];
            const completions: Promise<unknown>[] = [];
            const calls = attempts.map((a) =>
              s.scheduleFunction(async () => {
                if (a.kind === 'prompt') {
                  const accepted = await runtime.acceptInput('s1', {
                    kind: 'prompt',
                    content: 'next',
                  });
                  completions.push(accepted.completion);
                  return;
                }
                try {
                  const decided = await runtime.decideApproval('s1', approval.approvalId, {
                    decision: a.decision,
                    callHash: a.rightHash ? approval.callHash : `sha256:${'0'.repeat(64)}`,
                    ...(a.reason === undefined ? {} : { reason: a.reason }),
                  });
                  completions.push(decided.completion);
                  outcomes.push(decided.status);
                } catch (error: unknown) {
                  if (!isBurrowError(error)) throw error;
                  outcomes.push(error.code);
                }
              })(),
            );
            await s.waitFor(Promise.all(calls));
            while (s.count() > 0 || completions.length > 0) {
              const pending = completions.splice(0);
              await s.waitFor(Promise.all(pending));
              await s.waitAll();
            }
            const decisions = (await runtime.listInputs('s1', { limit: 100 })).inputs.filter(
              (r) =>
                r.payload.kind === 'approval_decision' &&
                r.payload['approvalId'] === approval.approvalId,
            );
            const accepted = outcomes.filter((o) => o === 'accepted').length;
            // One decision per approval, ever: a person's, or the runtime's own when a prompt
            // superseded it; none when every attempt named another call and no prompt came.
            const prompted = attempts.some((a) => a.kind === 'prompt');
            const rightHash = attempts.some((a) => a.kind === 'decide' && a.rightHash);
            expect(decisions).toHaveLength(prompted || rightHash ? 1 : 0);
            const [decision] = decisions;
            expect(accepted).toBe(decision?.header.origin === 'operator' ? 1 : 0);
            for (const o of outcomes) {
              expect([
                'accepted',
                'deduplicated',
                'idempotency_conflict',
                'approval_mismatch',
              ]).toContain(o);
            }
            const approved = decision?.payload['decision'] === 'approve';
            expect(executions).toEqual(approved ? [JSON.stringify(approval.toolCallId)] : []);
            const answers = (await runtime.getTranscript('s1')).filter(
              (m) => (m.message as { role?: string }).role === 'tool',
            );
            const forCall = answers.filter(
              (m) => (m.message as { call?: string }).call === approval.toolCallId,
            );
            expect(forCall).toHaveLength(decisions.length);
          } finally {
            // Release every turn still held by the scheduler, so the close can drain.
            scheduled = false;
            await s.waitAll();
            await runtime.close({ signal: AbortSignal.timeout(5_000) });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
