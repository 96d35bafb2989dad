// Runtime-level approvals (issue 12): a turn ends awaiting approval; a decision input resumes it;
// durable, idempotent, bound to the call's hash, expiring, superseded by a new prompt.

import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/core/json.js';
import type { Executor, StagedInput } from '../../src/runtime/executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { codeOf, databaseFile } from '../support/temp-database.js';

/**
 * An agent that asks to run `deleteFile` for each prompt and, when a decision comes back, runs it
 * (approve) or reports the denial; every execution is recorded in `executions`.
 */
function approvingAgent(executions: string[]): Executor {
  let call = 0;
  return {
    apply: (run) => {
      const decisions = run.inputs.filter((i: StagedInput) => i.kind === 'approval_decision');
      if (decisions.length === 0) {
        call += 1;
        const toolCallId = `call-${run.runId}-${call}`;
        return Promise.resolve({
          status: 'awaiting_approval',
          approvals: [{ toolCallId, toolName: 'deleteFile', input: { path: '/tmp/x' } }],
          append: [{ role: 'assistant', toolCall: toolCallId }],
        });
      }
      const results: JsonValue[] = decisions.map((d) => {
        const p = d.payload;
        if (p['decision'] === 'approve') executions.push(JSON.stringify(p['toolCallId']));
        return {
          role: 'tool',
          toolCallId: p['toolCallId'] ?? null,
          result:
            p['decision'] === 'approve'
              ? 'deleted'
              : `denied: ${JSON.stringify(p['reason'] ?? null)}`,
        };
      });
      return Promise.resolve({ status: 'completed', output: results, append: results });
    },
  };
}

async function pendingOne(runtime: Runtime, sessionId: string) {
  for (let i = 0; i < 200; i += 1) {
    const [approval] = await runtime.listApprovals(sessionId);
    if (approval !== undefined) return approval;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no approval was requested');
}

describe('approvals', () => {
  it('a turn that asks for approval commits a pending approval; approve runs the call once, in the next turn', async () => {
    const executions: string[] = [];
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', approvingAgent(executions));
    const accepted = await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const outcome = await accepted.completion;
    expect(outcome).toMatchObject({
      status: 'completed',
      result: { status: 'awaiting_approval' },
    });
    const approval = await pendingOne(runtime, 's1');
    expect(approval).toMatchObject({ toolName: 'deleteFile', input: { path: '/tmp/x' } });
    expect(approval.callHash).toMatch(/^sha256:[0-9a-f]{64}$/u);
    const decided = await runtime.decideApproval('s1', approval.approvalId, {
      decision: 'approve',
      callHash: approval.callHash,
    });
    expect(decided.status).toBe('accepted');
    expect(await decided.completion).toMatchObject({ status: 'completed' });
    expect(executions).toEqual([JSON.stringify(approval.toolCallId)]);
    expect(await runtime.listApprovals('s1')).toEqual([]);
    const again = await runtime.decideApproval('s1', approval.approvalId, {
      decision: 'approve',
      callHash: approval.callHash,
    });
    expect(again.status).toBe('deduplicated');
    expect(again.inputId).toBe(decided.inputId);
    expect(
      await codeOf(
        runtime.decideApproval('s1', approval.approvalId, {
          decision: 'deny',
          callHash: approval.callHash,
        }),
      ),
    ).toBe('idempotency_conflict');
    expect(executions).toHaveLength(1);
    const transcript = await runtime.getTranscript('s1');
    expect(transcript.map((m) => m.message)).toEqual([
      { role: 'assistant', toolCall: approval.toolCallId },
      { role: 'tool', toolCallId: approval.toolCallId, result: 'deleted' },
    ]);
  });

  it('refuses a decision for an unknown approval or with the hash of another call', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', approvingAgent([]));
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(runtime, 's1');
    expect(
      await codeOf(
        runtime.decideApproval('s1', 'no-such-approval', {
          decision: 'approve',
          callHash: approval.callHash,
        }),
      ),
    ).toBe('approval_not_found');
    expect(
      await codeOf(
        runtime.decideApproval('s1', approval.approvalId, {
          decision: 'approve',
          callHash: 'sha256:0000',
        }),
      ),
    ).toBe('approval_mismatch');
    expect(await runtime.listApprovals('s1')).toHaveLength(1);
  });

  it('deny reports the denial to the agent, and the call never runs', async () => {
    const executions: string[] = [];
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', approvingAgent(executions));
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(runtime, 's1');
    const denied = await runtime.decideApproval('s1', approval.approvalId, {
      decision: 'deny',
      reason: 'not that file',
      callHash: approval.callHash,
    });
    expect(await denied.completion).toMatchObject({
      status: 'completed',
      result: [{ result: 'denied: "not that file"' }],
    });
    expect(executions).toEqual([]);
  });

  it('expires an undecided approval: the runtime records denied{expired} by itself', async () => {
    const { runtime, clock } = await testRuntime({ manual: true, approvalTtlMs: 60_000 });
    const executions: string[] = [];
    await runtime.registerSessionWithExecutor('s1', approvingAgent(executions));
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(runtime, 's1');
    const events = runtime.events('s1', { since: 0 });
    clock?.advance(60_000);
    for (let i = 0; i < 200 && (await runtime.listApprovals('s1')).length > 0; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await runtime.listApprovals('s1')).toEqual([]);
    const late = runtime.decideApproval('s1', approval.approvalId, {
      decision: 'approve',
      callHash: approval.callHash,
    });
    expect(await codeOf(late)).toBe('idempotency_conflict');
    const seen: { type: string; data: unknown }[] = [];
    for await (const event of events) {
      seen.push(event);
      if (event.type === 'approval.decided') break;
    }
    expect(seen.at(-1)?.data).toMatchObject({
      approvalId: approval.approvalId,
      decision: 'deny',
      reason: 'expired',
      origin: 'system',
    });
    expect(executions).toEqual([]);
  });

  it('a new prompt denies pending approvals as superseded, so every call gets a result', async () => {
    const executions: string[] = [];
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', approvingAgent(executions));
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(runtime, 's1');
    const next = await runtime.acceptInput('s1', { kind: 'prompt', content: 'never mind' });
    await next.completion;
    const messages = (await runtime.getTranscript('s1')).map((m) => m.message);
    expect(messages[1]).toEqual({
      role: 'tool',
      toolCallId: approval.toolCallId,
      result: 'denied: "superseded"',
    });
    expect(executions).toEqual([]);
  });

  it('keeps a pending approval across a restart; approving after it runs the call exactly once', async () => {
    const path = await databaseFile('burrow-approvals-');
    const executions: string[] = [];
    const first = await createRuntime({ store: await openSqliteStore(path) });
    await first.registerSessionWithExecutor('s1', approvingAgent(executions));
    await first.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(first, 's1');
    await first.close();
    const { runtime } = await testRuntime({
      store: await openSqliteStore(path),
      executorFactory: () => approvingAgent(executions),
    });
    expect(await runtime.listApprovals('s1')).toEqual([approval]);
    const decided = await runtime.decideApproval('s1', approval.approvalId, {
      decision: 'approve',
      callHash: approval.callHash,
    });
    await decided.completion;
    expect(executions).toEqual([JSON.stringify(approval.toolCallId)]);
  });

  it('refuses a decision after the session was unregistered', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', approvingAgent([]));
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(runtime, 's1');
    await runtime.unregisterSession('s1');
    expect(
      await codeOf(
        runtime.decideApproval('s1', approval.approvalId, {
          decision: 'approve',
          callHash: approval.callHash,
        }),
      ),
    ).toBe('session_not_found');
  });

  it('retiring denies pending approvals as superseded, drains them, then rests retired', async () => {
    const executions: string[] = [];
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', approvingAgent(executions));
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    const approval = await pendingOne(runtime, 's1');
    await runtime.retire('s1');
    for (let i = 0; i < 200 && (await runtime.snapshot('s1')).transcriptLength < 2; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const messages = (await runtime.getTranscript('s1')).map((m) => m.message);
    expect(messages[1]).toEqual({
      role: 'tool',
      toolCallId: approval.toolCallId,
      result: 'denied: "superseded"',
    });
    expect(await runtime.listApprovals('s1')).toEqual([]);
    for (let i = 0; i < 200 && (await runtime.snapshot('s1')).run !== null; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await runtime.snapshot('s1')).phase).toBe('retired');
    expect(executions).toEqual([]);
  });

  it('a prompt queued before the approval was asked for supersedes it too: no prompt waits behind an approval', async () => {
    const executions: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inner = approvingAgent(executions);
    let first = true;
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', {
      apply: async (run, ctx) => {
        if (first) {
          first = false;
          await held;
        }
        return inner.apply(run, ctx);
      },
    });
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'clean up' });
    // Queued while the first turn runs, before that turn asks for an approval.
    const queued = await runtime.acceptInput('s1', { kind: 'prompt', content: 'and then?' });
    release();
    expect(await queued.completion).toMatchObject({
      status: 'completed',
      result: { status: 'awaiting_approval' },
    });
    const messages = (await runtime.getTranscript('s1')).map((m) => m.message);
    expect(messages[1]).toMatchObject({ role: 'tool', result: 'denied: "superseded"' });
    expect(executions).toEqual([]);
  });
});
