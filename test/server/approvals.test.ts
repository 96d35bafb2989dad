// Approvals over HTTP with the AI SDK executor against the local fake OpenAI-compatible server
// (issue 12): approve, deny, expire; concurrent identical approvals; conflicts; refusals; hard cancel.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tool, type ToolSet } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PendingApproval } from '../../src/core/approvals.js';
import type { JsonValue } from '../../src/core/json.js';
import { saveNoteTool } from '../../src/executors/ai-sdk/example-tools.js';
import { openAiCompatibleExecutorFromEnv } from '../../src/executors/ai-sdk/openai-compatible.js';
import { parseHistory } from '../../src/executors/ai-sdk/parse-history.js';
import { unansweredToolCalls } from '../../src/executors/ai-sdk/turn-transcript.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import type { RuntimeOptions } from '../../src/runtime/runtime-context.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeReply,
} from '../support/fake-openai-server.js';
import type { Harness } from './harness.js';
import { body, closeHarnesses, expectProblem, openHarness } from './harness.js';

let fake: FakeOpenAiServer;
let dir: string;
let notes: string;

beforeEach(async () => {
  fake = await startFakeOpenAiServer();
  dir = await mkdtemp(join(tmpdir(), 'burrow-approvals-'));
  notes = join(dir, 'notes.txt');
});

afterEach(async () => {
  await closeHarnesses();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function session(
  tools: ToolSet = { saveNote: saveNoteTool({ file: notes }) },
  runtimeOptions: RuntimeOptions = {},
): Promise<Harness> {
  const env = {
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: 'sk-fake',
    BURROW_MODEL: 'fake-model',
  };
  const h = await openHarness({
    runtimeOptions,
    executor: () => openAiCompatibleExecutorFromEnv(env, { settings: { maxRetries: 0 }, tools }),
  });
  expect((await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
    201,
  );
  return h;
}

/** Prompts, and returns the approval the model's call asked for. */
async function askForApproval(
  h: Harness,
  note = 'buy milk',
  ...then: FakeReply[]
): Promise<PendingApproval> {
  fake.enqueue(
    {
      type: 'tool_calls',
      calls: [{ id: 'call_1', name: 'saveNote', arguments: { note } }],
    },
    ...then,
  );
  const res = await h.request('/v1/sessions/s1/inputs?wait=10s', {
    method: 'POST',
    body: { kind: 'prompt', content: `save the note ${note}` },
  });
  expect(res.status).toBe(200);
  expect(await body(res)).toMatchObject({
    outcome: { status: 'completed', result: { status: 'awaiting_approval' } },
  });
  const list = await body<{ approvals: PendingApproval[] }>(
    await h.request('/v1/sessions/s1/approvals'),
  );
  expect(list.approvals).toHaveLength(1);
  const [approval] = list.approvals;
  expect(approval).toMatchObject({ toolCallId: 'call_1', toolName: 'saveNote', input: { note } });
  return approval as PendingApproval;
}

function decide(
  h: Harness,
  approval: PendingApproval,
  decision: Record<string, unknown>,
  wait = '10s',
) {
  return h.request(
    `/v1/sessions/s1/approvals/${encodeURIComponent(approval.approvalId)}?wait=${wait}`,
    {
      method: 'POST',
      body: { callHash: approval.callHash, ...decision },
    },
  );
}

async function executions(): Promise<string[]> {
  const text = await readFile(notes, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

async function transcriptIsValid(h: Harness): Promise<void> {
  const page = await body<{ messages: { message: JsonValue }[] }>(
    await h.request('/v1/sessions/s1/history?limit=1000'),
  );
  const messages = parseHistory(page.messages.map((m) => m.message));
  expect(unansweredToolCalls(messages)).toEqual([]);
}

/** The tool message the model received in request `index`, as text. */
async function toolMessageSeen(index: number): Promise<string> {
  const request = await fake.request(index);
  const tools = (request.body?.messages ?? []).filter((m) => m.role === 'tool');
  return JSON.stringify(tools);
}

describe('approvals over HTTP (fake OpenAI-compatible model)', () => {
  it('approve: the tool runs once and the model next sees its result; the transcript is valid', async () => {
    const h = await session();
    const approval = await askForApproval(h);
    expect(await executions()).toEqual([]);
    await transcriptIsValid(h).then(
      () => expect.fail('an open call awaiting approval must be visible as unanswered'),
      () => undefined,
    );
    fake.enqueue({ type: 'text', text: 'Saved.' });
    const res = await decide(h, approval, { decision: 'approve' });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({
      status: 'accepted',
      outcome: { status: 'completed', result: 'Saved.' },
    });
    expect(await executions()).toEqual(['buy milk']);
    expect(await toolMessageSeen(1)).toContain('buy milk');
    expect(await toolMessageSeen(1)).toContain('call_1');
    await transcriptIsValid(h);
  });

  it('deny: the tool never runs and the model next sees the denial with its reason', async () => {
    const h = await session();
    const approval = await askForApproval(h);
    fake.enqueue({ type: 'text', text: 'Understood, not saved.' });
    const res = await decide(h, approval, { decision: 'deny', reason: 'not today' });
    expect(await body(res)).toMatchObject({ outcome: { status: 'completed' } });
    expect(await executions()).toEqual([]);
    expect(await toolMessageSeen(1)).toContain('not today');
    await transcriptIsValid(h);
  });

  it('expire: the runtime denies an undecided call by itself; the model sees the denial; a late approve conflicts', async () => {
    const h = await session(undefined, { approvalTtlMs: 150 });
    let completed = 0;
    const decided = new Promise<void>((resolve) => {
      const off = h.runtime.onEvent((event) => {
        // The second turn of the session is the one that reports the expiry.
        if (event.type === 'run.completed' && (completed += 1) === 2) {
          off();
          resolve();
        }
      });
    });
    const approval = await askForApproval(h, 'buy milk', { type: 'text', text: 'It expired.' });
    await decided;
    expect(await toolMessageSeen(1)).toContain('expired');
    expect(
      (await body<{ approvals: unknown[] }>(await h.request('/v1/sessions/s1/approvals')))
        .approvals,
    ).toEqual([]);
    await expectProblem(
      await decide(h, approval, { decision: 'approve' }),
      409,
      'idempotency_conflict',
    );
    expect(await executions()).toEqual([]);
    await transcriptIsValid(h);
  });

  it('a new prompt supersedes a pending call: the agent reports the denial first, then answers the prompt; the transcript stays valid', async () => {
    const h = await session();
    await askForApproval(h);
    fake.enqueue(
      { type: 'text', text: 'The note was not saved.' },
      { type: 'text', text: 'Hello!' },
    );
    const res = await h.request('/v1/sessions/s1/inputs?wait=10s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'never mind, say hello' },
    });
    expect(await body(res)).toMatchObject({ outcome: { status: 'completed', result: 'Hello!' } });
    expect(await toolMessageSeen(1)).toContain('superseded');
    expect(JSON.stringify((await fake.request(2)).body?.messages)).toContain(
      'never mind, say hello',
    );
    expect(await executions()).toEqual([]);
    await transcriptIsValid(h);
  });

  it('two concurrent identical approvals from two clients run the tool once; approve then deny conflicts', async () => {
    const h = await session();
    const approval = await askForApproval(h);
    fake.enqueue({ type: 'text', text: 'Saved.' });
    const [a, b] = await Promise.all([
      decide(h, approval, { decision: 'approve' }),
      decide(h, approval, { decision: 'approve' }),
    ]);
    const answers = [await body(a), await body(b)];
    expect(answers.map((x) => x['status']).sort()).toEqual(['accepted', 'deduplicated']);
    expect(answers[0]?.['inputId']).toBe(answers[1]?.['inputId']);
    await expectProblem(
      await decide(h, approval, { decision: 'deny' }),
      409,
      'idempotency_conflict',
    );
    expect(await executions()).toEqual(['buy milk']);
    expect(fake.requests).toHaveLength(2);
  });

  it('refuses a decision for a changed call or an unknown approval, and after unregister', async () => {
    const h = await session();
    const approval = await askForApproval(h);
    await expectProblem(
      await decide(
        h,
        { ...approval, callHash: `sha256:${'0'.repeat(64)}` },
        { decision: 'approve' },
      ),
      409,
      'approval_mismatch',
    );
    await expectProblem(
      await decide(h, { ...approval, approvalId: 'approval-unknown' }, { decision: 'approve' }),
      404,
      'approval_not_found',
    );
    expect((await h.request('/v1/sessions/s1', { method: 'DELETE' })).status).toBeLessThan(300);
    await expectProblem(
      await decide(h, approval, { decision: 'approve' }),
      404,
      'session_not_found',
    );
    expect(await executions()).toEqual([]);
  });

  it('hard cancel while an approved tool runs aborts its signal; the call ends cancelled; the next turn sees a valid transcript', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let aborted = false;
    const slow = tool({
      description: 'A slow write',
      inputSchema: z.object({ note: z.string() }),
      needsApproval: true,
      execute: (_input, { abortSignal }) =>
        new Promise((_resolve, reject) => {
          started();
          abortSignal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const h = await session({ saveNote: slow });
    const approval = await askForApproval(h);
    const cancelled = new Promise<RuntimeEvent>((resolve) => {
      const off = h.runtime.onEvent((event) => {
        if (event.type === 'run.cancelled') {
          off();
          resolve(event);
        }
      });
    });
    const decision = await decide(h, approval, { decision: 'approve' }, '0');
    expect(decision.status).toBe(202);
    await running;
    const res = await h.request('/v1/sessions/s1/interrupt', {
      method: 'POST',
      body: { reason: 'operator stop' },
    });
    expect(res.status).toBeLessThan(300);
    const event = await cancelled;
    expect(aborted).toBe(true);
    expect(event.data).toMatchObject({
      toolCalls: [
        { toolCallId: 'call_1', toolName: 'saveNote', outcome: 'cancelled_while_running' },
      ],
    });
    await transcriptIsValid(h);
    fake.enqueue({ type: 'text', text: 'Fine.' });
    const next = await h.request('/v1/sessions/s1/inputs?wait=10s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'anything else?' },
    });
    expect(await body(next)).toMatchObject({ outcome: { status: 'completed', result: 'Fine.' } });
    expect(await toolMessageSeen(1)).toContain('cancelled');
  });
});
