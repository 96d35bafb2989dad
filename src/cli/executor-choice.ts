// `--executor`: builds the executor factory of `burrow serve` (echo, scripted, or the AI SDK agent, loaded lazily).

import type * as OpenAiCompatibleModule from '../executors/ai-sdk/openai-compatible.js';
import { echoExecutor } from '../executors/echo-executor.js';
import { scriptedExecutor } from '../executors/scripted-executor.js';
import type { ExecutorFactory, RunPrimitive } from '../runtime/executor.js';
import type { ServeConfig } from './config.js';
import { ConfigError, missingOpenAiVariables } from './config.js';
import { CliError, EXIT } from './exit-codes.js';

/** Steps of each `--executor scripted` turn: two boundaries, where steer inputs are injected. */
export const SCRIPTED_STEPS = 3;

/** A factory for the chosen executor, plus a one-line description for the startup message. */
export interface ExecutorChoice {
  readonly factory: ExecutorFactory;
  readonly description: string;
}

/** The longest step an input may ask for (one hour). */
const MAX_STEP_MS = 3_600_000;

/**
 * `--executor scripted`: an input's `metadata.stepMs` sets the step delay of its turn (tests and the
 * README ask for long or instant turns this way); anything else falls back to `--step-ms`.
 */
export function stepMsOf(run: RunPrimitive): number | null {
  const value = run.metadata.values['stepMs'];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_STEP_MS
    ? value
    : null;
}

function isModuleNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND'
  );
}

/**
 * Builds the executor factory for `config.executor`. The openai-compatible agent is checked at startup:
 * every missing variable is named (a {@link ConfigError}, exit 2), and a malformed URL is refused by
 * the executor's own validation; its packages (`ai`, `@ai-sdk/openai-compatible`) load only now, so a
 * default install runs without them.
 */
export async function chooseExecutor(config: ServeConfig): Promise<ExecutorChoice> {
  switch (config.executor) {
    case 'echo':
      return { factory: () => echoExecutor(), description: 'echo' };
    case 'scripted':
      return {
        factory: () =>
          scriptedExecutor((run) => ({
            steps: SCRIPTED_STEPS,
            delayMs: stepMsOf(run) ?? config.scriptedStepMs,
          })),
        description: `scripted (${SCRIPTED_STEPS} steps of ${config.scriptedStepMs} ms per turn)`,
      };
    case 'openai-compatible':
      return openAiCompatible(config);
  }
}

async function openAiCompatible(config: ServeConfig): Promise<ExecutorChoice> {
  const missing = missingOpenAiVariables(config.openai);
  if (missing.length > 0) {
    throw new ConfigError([
      `--executor openai-compatible is missing ${missing.join(', ')} ` +
        '(it reads OPENAI_BASE_URL, OPENAI_API_KEY and BURROW_MODEL; for example ' +
        'OPENAI_BASE_URL=http://127.0.0.1:11434/v1 OPENAI_API_KEY=local BURROW_MODEL=llama3.1)',
    ]);
  }
  let module: typeof OpenAiCompatibleModule;
  try {
    module = await import('../executors/ai-sdk/openai-compatible.js');
  } catch (error: unknown) {
    if (!isModuleNotFound(error)) throw error;
    throw new CliError(
      EXIT.usage,
      '--executor openai-compatible needs the optional packages ai@6 and @ai-sdk/openai-compatible@2: ' +
        'npm install ai@6 @ai-sdk/openai-compatible@2',
      {},
      { cause: error },
    );
  }
  const env = {
    OPENAI_BASE_URL: config.openai.baseUrl ?? '',
    OPENAI_API_KEY: config.openai.apiKey ?? '',
    BURROW_MODEL: config.openai.model ?? '',
  };
  const endpoint = module.readOpenAiCompatibleEnv(env);
  const options = { exampleTools: config.exampleTools };
  return {
    factory: () => module.openAiCompatibleExecutorFromEnv(env, options),
    description:
      `openai-compatible (${endpoint.modelId} at ${endpoint.baseURL}` +
      `${config.exampleTools ? ', example tools' : ''})`,
  };
}
