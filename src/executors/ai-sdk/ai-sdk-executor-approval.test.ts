// The AI SDK executor with `needsApproval` tools (issue 12): a turn ends awaiting approval with the
// AI SDK's own parts; the decision's turn answers every call once and lets the model continue.

import { tool, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../../core/json.js';
import type { RunResult } from '../../runtime/executor.js';
import { aiSdkExecutor } from './ai-sdk-executor.js';
import { promptText, scriptedModel } from './scripted-model.test-support.js';
import {
  createRunHarness,
  deferred,
  promptInput,
  runPrimitive,
  stagedInput,
} from './test-harness.test-support.js';
import { unansweredToolCalls } from './turn-transcript.js';

function deleteTool(
  executions: string[],
  needsApproval: boolean | ((input: { path: string }) => boolean),
) {
  return tool({
    description: 'Deletes a file',
    inputSchema: z.object({ path: z.string() }),
    needsApproval,
    execute: ({ path }) => {
      executions.push(path);
      return `deleted ${path}`;
    },
  });
}

function decision(
  approval: { approvalId?: string; toolCallId: string; toolName: string; input: JsonValue },
  verdict: 'approve' | 'deny',
  reason?: string,
) {
  return stagedInput({
    kind: 'approval_decision',
    approvalId: approval.approvalId ?? '',
    decision: verdict,
    ...(reason !== undefined ? { reason } : {}),
    callHash: 'sha256:test',
    toolCallId: approval.toolCallId,
    toolName: approval.toolName,
    input: approval.input,
  });
}

function awaiting(result: RunResult) {
  if (result.status !== 'awaiting_approval') throw new Error(`status ${result.status}`);
  return result;
}

describe('aiSdkExecutor with needsApproval', () => {
  it('ends the turn awaiting approval with a tool-approval-request part; approve runs the tool once and the model sees its result', async () => {
    const executions: string[] = [];
    const model = scriptedModel([
      { toolCalls: [{ toolCallId: 'c1', toolName: 'deleteFile', input: { path: '/tmp/a' } }] },
      { text: 'done' },
    ]);
    const executor = aiSdkExecutor({ model, tools: { deleteFile: deleteTool(executions, true) } });
    const first = createRunHarness();
    const asked = awaiting(await executor.apply(runPrimitive([promptInput('clean')]), first.ctx));
    expect(executions).toEqual([]);
    const [approval] = asked.approvals;
    expect(approval).toMatchObject({
      toolCallId: 'c1',
      toolName: 'deleteFile',
      input: { path: '/tmp/a' },
    });
    const append = (asked.append ?? []) as ModelMessage[];
    expect(JSON.stringify(append)).toContain('"type":"tool-approval-request"');
    expect(unansweredToolCalls(append).map((c) => c.toolCallId)).toEqual(['c1']);
    const second = createRunHarness([...(asked.append ?? [])]);
    const result = await executor.apply(
      runPrimitive([decision(approval!, 'approve')], {
        runId: 'run-2',
        executionKind: 'resume_pending',
      }),
      second.ctx,
    );
    expect(result).toMatchObject({
      status: 'completed',
      output: 'done',
      toolCalls: [{ toolCallId: 'c1', toolName: 'deleteFile', outcome: 'completed' }],
    });
    expect(executions).toEqual(['/tmp/a']);
    expect(promptText(model, 1)).toContain('deleted /tmp/a');
    const all = [...append, ...((result.append ?? []) as ModelMessage[])];
    expect(unansweredToolCalls(all)).toEqual([]);
    expect(JSON.stringify(result.append)).toContain('"type":"tool-approval-response"');
  });

  it('deny gives the call an execution-denied result with the reason; the tool never runs', async () => {
    const executions: string[] = [];
    const model = scriptedModel([
      { toolCalls: [{ toolCallId: 'c1', toolName: 'deleteFile', input: { path: '/etc' } }] },
      { text: 'ok, I will not' },
    ]);
    const executor = aiSdkExecutor({
      model,
      tools: { deleteFile: deleteTool(executions, ({ path }) => path.startsWith('/etc')) },
    });
    const asked = awaiting(
      await executor.apply(runPrimitive([promptInput('clean')]), createRunHarness().ctx),
    );
    const result = await executor.apply(
      runPrimitive([decision(asked.approvals[0]!, 'deny', 'too dangerous')], { runId: 'run-2' }),
      createRunHarness([...(asked.append ?? [])]).ctx,
    );
    expect(result).toMatchObject({
      status: 'completed',
      toolCalls: [{ toolCallId: 'c1', outcome: 'denied' }],
    });
    expect(executions).toEqual([]);
    expect(JSON.stringify(result.append)).toContain(
      '"type":"execution-denied","reason":"too dangerous"',
    );
    expect(promptText(model, 1)).toContain('too dangerous');
  });

  it('runs the calls that need no approval at once and asks only for the others', async () => {
    const executions: string[] = [];
    const model = scriptedModel([
      {
        toolCalls: [
          { toolCallId: 'c1', toolName: 'deleteFile', input: { path: '/tmp/a' } },
          { toolCallId: 'c2', toolName: 'deleteFile', input: { path: '/etc/b' } },
        ],
      },
    ]);
    const executor = aiSdkExecutor({
      model,
      tools: { deleteFile: deleteTool(executions, ({ path }) => path.startsWith('/etc')) },
    });
    const asked = awaiting(
      await executor.apply(runPrimitive([promptInput('clean')]), createRunHarness().ctx),
    );
    expect(executions).toEqual(['/tmp/a']);
    expect(asked.approvals.map((a) => a.toolCallId)).toEqual(['c2']);
    expect(asked.toolCalls).toEqual([
      { toolCallId: 'c1', toolName: 'deleteFile', outcome: 'completed' },
    ]);
  });

  it('a hard cancel while an approved tool runs aborts its signal; the call ends cancelled with a result', async () => {
    let aborted = false;
    const model = scriptedModel([
      { toolCalls: [{ toolCallId: 'c1', toolName: 'slow', input: {} }] },
    ]);
    const started = deferred();
    const executor = aiSdkExecutor({
      model,
      tools: {
        slow: tool({
          inputSchema: z.object({}),
          needsApproval: true,
          execute: (_input, { abortSignal }) =>
            new Promise((_resolve, reject) => {
              started.resolve();
              abortSignal?.addEventListener('abort', () => {
                aborted = true;
                reject(new Error('aborted'));
              });
            }),
        }),
      },
    });
    const asked = awaiting(
      await executor.apply(runPrimitive([promptInput('go')]), createRunHarness().ctx),
    );
    const harness = createRunHarness([...(asked.append ?? [])]);
    const running = executor.apply(
      runPrimitive([decision(asked.approvals[0]!, 'approve')], { runId: 'run-2' }),
      harness.ctx,
    );
    await started.promise;
    harness.abort(new Error('interrupted by operator'));
    const result = await running;
    expect(aborted).toBe(true);
    expect(result).toMatchObject({
      status: 'cancelled',
      toolCalls: [{ toolCallId: 'c1', outcome: 'cancelled_while_running' }],
    });
    const all = [
      ...((asked.append ?? []) as ModelMessage[]),
      ...((result.append ?? []) as ModelMessage[]),
    ];
    expect(unansweredToolCalls(all)).toEqual([]);
  });

  it('closes a call the history left open without a decision before the next model call', async () => {
    const model = scriptedModel([
      { toolCalls: [{ toolCallId: 'c1', toolName: 'deleteFile', input: { path: '/tmp/a' } }] },
      { text: 'hello again' },
    ]);
    const executor = aiSdkExecutor({ model, tools: { deleteFile: deleteTool([], true) } });
    const asked = awaiting(
      await executor.apply(runPrimitive([promptInput('clean')]), createRunHarness().ctx),
    );
    // The approval was dropped (a reset): the next turn is an ordinary prompt.
    const result = await executor.apply(
      runPrimitive([promptInput('hi')], { runId: 'run-2' }),
      createRunHarness([...(asked.append ?? [])]).ctx,
    );
    expect(result).toMatchObject({
      status: 'completed',
      output: 'hello again',
      toolCalls: [{ toolCallId: 'c1', outcome: 'cancelled_before_start' }],
    });
    const all = [
      ...((asked.append ?? []) as ModelMessage[]),
      ...((result.append ?? []) as ModelMessage[]),
    ];
    expect(unansweredToolCalls(all)).toEqual([]);
    expect((result.append as ModelMessage[])[0]?.role).toBe('tool');
  });
});
