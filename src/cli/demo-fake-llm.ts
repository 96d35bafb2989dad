// `burrow demo --fake-llm`: one turn of the real AI SDK agent (tools, streaming, transcript) against the
// canned local model — no network, no key — and one approval round trip: a call of saveNote waits for
// a decision, is approved, runs once, and the agent goes on.

import type { JsonValue } from '../core/json.js';
import type * as OpenAiCompatibleModule from '../executors/ai-sdk/openai-compatible.js';
import type * as ExampleToolsModule from '../executors/ai-sdk/example-tools.js';
import type { Executor } from '../runtime/executor.js';
import type { PendingApproval } from '../core/approvals.js';
import type { InputOutcome } from '../core/ledger/input-record.js';
import type { Runtime } from '../runtime/runtime-api.js';
import { createRuntime } from '../runtime/runtime.js';
import { memoryStore } from '../store/memory/memory-store.js';
import type { CliIo } from './cli-io.js';
import { startFakeModel } from './demo-fake-model.js';
import { describeOutcome } from './demo-kit.js';
import { CliError, EXIT } from './exit-codes.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the fake-LLM step reports. */
export interface FakeLlmReport {
  readonly prompt: string;
  readonly outcome: InputOutcome;
  /** `run.progress` payloads as the executor emitted them (text deltas, tool calls and results). */
  readonly progress: readonly JsonValue[];
  /** The committed transcript, oldest first. */
  readonly transcript: readonly JsonValue[];
  readonly modelRequests: number;
  /** The approval round trip: the pending call, the decision's outcome, the notes file after it. */
  readonly approval: {
    readonly prompt: string;
    readonly pending: PendingApproval;
    readonly outcome: InputOutcome;
    readonly notes: string;
  };
}

async function loadExecutorModule(): Promise<
  typeof OpenAiCompatibleModule & typeof ExampleToolsModule
> {
  try {
    return {
      ...(await import('../executors/ai-sdk/openai-compatible.js')),
      ...(await import('../executors/ai-sdk/example-tools.js')),
    };
  } catch (error: unknown) {
    throw new CliError(
      EXIT.usage,
      'burrow demo --fake-llm needs the optional packages ai@6 and @ai-sdk/openai-compatible@2',
      {},
      { cause: error },
    );
  }
}

/** Runs the turn; narrates to `io` when given. */
export async function fakeLlmStep(io: CliIo | null): Promise<FakeLlmReport> {
  const module = await loadExecutorModule();
  const model = await startFakeModel();
  const runtime = await createRuntime({ store: memoryStore() });
  const prompt = 'What is (12.5 + 7) * 3?';
  // The notes the approved saveNote call writes go to a scratch directory, never the current one.
  const scratch = await mkdtemp(join(tmpdir(), 'burrow-demo-'));
  try {
    const env = {
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'demo',
      BURROW_MODEL: 'demo-model',
    };
    const notesFile = join(scratch, 'notes.txt');
    const executor = module.openAiCompatibleExecutorFromEnv(env, {
      exampleTools: true,
      tools: { saveNote: module.saveNoteTool({ file: notesFile }) },
    });
    const progress: JsonValue[] = [];
    runtime.onEvent((event) => {
      if (event.type === 'run.progress') progress.push(event.data.progress);
    });
    await runtime.registerSessionWithExecutor('demo-llm', executor);
    const { completion } = await runtime.acceptInput('demo-llm', {
      kind: 'prompt',
      content: prompt,
    });
    const outcome = await completion;
    const transcript = (await runtime.getTranscript('demo-llm')).map((m) => m.message);
    if (io !== null) {
      io.out(`\n+ fake LLM: the AI SDK executor against a canned model at ${model.baseUrl}`);
      io.out(`    send    ${JSON.stringify(prompt)}`);
      for (const p of progress) io.out(`    stream  ${JSON.stringify(p)}`);
      io.out(`    outcome ${describeOutcome(outcome)}`);
      transcript.forEach((m, i) => io.out(`    history ${i} ${JSON.stringify(m)}`));
    }
    const approval = await approvalRoundTrip(runtime, executor, notesFile, io);
    return { prompt, outcome, progress, transcript, modelRequests: model.requests, approval };
  } finally {
    await runtime.close();
    await model.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A call that needs approval: the turn stops with it pending; the demo approves; it runs once. */
async function approvalRoundTrip(
  runtime: Runtime,
  executor: Executor,
  notesFile: string,
  io: CliIo | null,
): Promise<FakeLlmReport['approval']> {
  const prompt = 'Save a note: buy milk.';
  await runtime.registerSessionWithExecutor('demo-approval', executor);
  const asked = await runtime.acceptInput('demo-approval', { kind: 'prompt', content: prompt });
  const first = await asked.completion;
  const [pending] = await runtime.listApprovals('demo-approval');
  if (pending === undefined)
    throw new Error(`no approval was requested (${describeOutcome(first)})`);
  io?.out(`\n+ approval: a tool that needs a person's decision (saveNote, needsApproval)`);
  io?.out(`    send    ${JSON.stringify(prompt)}`);
  io?.out(`    outcome ${describeOutcome(first)}`);
  io?.out(
    `    pending ${pending.approvalId}: ${pending.toolName} ${JSON.stringify(pending.input)}, expires ${pending.expiresAt}`,
  );
  io?.out(`    nothing written yet: the notes file ${notesFile} does not exist`);
  const decided = await runtime.decideApproval('demo-approval', pending.approvalId, {
    decision: 'approve',
    callHash: pending.callHash,
  });
  io?.out(`    approve ${pending.approvalId} (call hash ${pending.callHash.slice(0, 19)}…)`);
  const outcome = await decided.completion;
  const notes = await readFile(notesFile, 'utf8');
  io?.out(`    outcome ${describeOutcome(outcome)}`);
  io?.out(`    notes   ${JSON.stringify(notes)} (the tool ran once)`);
  return { prompt, pending, outcome, notes };
}
