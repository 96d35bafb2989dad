// `burrow demo --fake-llm`: one turn of the real AI SDK agent (tools, streaming, transcript) against the
// canned local model — no network, no key.

import type { JsonValue } from '../core/json.js';
import type * as OpenAiCompatibleModule from '../executors/ai-sdk/openai-compatible.js';
import type { InputOutcome } from '../core/input-record.js';
import { createRuntime } from '../runtime/runtime.js';
import { memoryStore } from '../store/memory/memory-store.js';
import type { CliIo } from './cli-io.js';
import { startFakeModel } from './demo-fake-model.js';
import { describeOutcome } from './demo-kit.js';
import { CliError, EXIT } from './exit-codes.js';

/** What the fake-LLM step reports. */
export interface FakeLlmReport {
  readonly prompt: string;
  readonly outcome: InputOutcome;
  /** `run.progress` payloads as the executor emitted them (text deltas, tool calls and results). */
  readonly progress: readonly JsonValue[];
  /** The committed transcript, oldest first. */
  readonly transcript: readonly JsonValue[];
  readonly modelRequests: number;
}

async function loadExecutorModule(): Promise<typeof OpenAiCompatibleModule> {
  try {
    return await import('../executors/ai-sdk/openai-compatible.js');
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
  try {
    const env = {
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'demo',
      BURROW_MODEL: 'demo-model',
    };
    const executor = module.openAiCompatibleExecutorFromEnv(env, { exampleTools: true });
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
    const report = { prompt, outcome, progress, transcript, modelRequests: model.requests };
    if (io !== null) {
      io.out(`\n+ fake LLM: the AI SDK executor against a canned model at ${model.baseUrl}`);
      io.out(`    send    ${JSON.stringify(prompt)}`);
      for (const p of progress) io.out(`    stream  ${JSON.stringify(p)}`);
      io.out(`    outcome ${describeOutcome(outcome)}`);
      transcript.forEach((m, i) => io.out(`    history ${i} ${JSON.stringify(m)}`));
    }
    return report;
  } finally {
    await runtime.close();
    await model.close();
  }
}
