// `--executor openai-compatible`: the AI SDK executor configured from the environment.

import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ToolSet } from 'ai';
import { BurrowError } from '../../core/errors.js';
import type { Executor } from '../../runtime/executor.js';
import { aiSdkExecutor, type AiSdkExecutorOptions } from './ai-sdk-executor.js';
import { exampleTools } from './example-tools.js';

/** The environment variables the OpenAI-compatible executor reads, in the order they are checked. */
export const OPENAI_COMPATIBLE_ENV = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'BURROW_MODEL'] as const;

/** The endpoint configuration read from the environment. */
export interface OpenAiCompatibleConfig {
  /** Base URL of the chat-completions API, up to and including `/v1`. */
  readonly baseURL: string;
  readonly apiKey: string;
  /** Model id as the server names it (`gpt-4o-mini`, `llama3.1`, ...). */
  readonly modelId: string;
}

/** Options of {@link openAiCompatibleExecutorFromEnv}: the executor's options, without the model. */
export interface OpenAiCompatibleExecutorOptions extends Omit<AiSdkExecutorOptions, 'model'> {
  /** Adds the example tools `currentTime` and `calculator` (default `false`). */
  readonly exampleTools?: boolean;
  /** The `fetch` the provider uses (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/**
 * Reads and checks `OPENAI_BASE_URL`, `OPENAI_API_KEY` and `BURROW_MODEL`. Throws one
 * `validation_failed` error naming every missing or malformed variable, so a misconfigured
 * `burrow serve` fails at startup rather than at the first turn. Servers that take no key
 * (Ollama, LM Studio, vLLM) accept any value, e.g. `OPENAI_API_KEY=local`.
 */
export function readOpenAiCompatibleEnv(env: NodeJS.ProcessEnv): OpenAiCompatibleConfig {
  const value = (name: (typeof OPENAI_COMPATIBLE_ENV)[number]): string => env[name]?.trim() ?? '';
  const missing = OPENAI_COMPATIBLE_ENV.filter((name) => value(name) === '');
  const issues = missing.map((name) => `${name} is not set`);
  const baseURL = value('OPENAI_BASE_URL').replace(/\/+$/, '');
  if (baseURL !== '' && !isHttpUrl(baseURL)) {
    issues.push(`OPENAI_BASE_URL is not an http(s) URL: ${baseURL}`);
  }
  if (issues.length > 0) {
    const hint = missing.length > 0 ? `missing ${missing.join(', ')}` : issues.join('; ');
    throw new BurrowError(
      'validation_failed',
      `the openai-compatible executor needs ${OPENAI_COMPATIBLE_ENV.join(', ')}: ${hint}` +
        ' (e.g. OPENAI_BASE_URL=http://127.0.0.1:11434/v1 OPENAI_API_KEY=local BURROW_MODEL=llama3.1)',
      { issues },
    );
  }
  return { baseURL, apiKey: value('OPENAI_API_KEY'), modelId: value('BURROW_MODEL') };
}

/**
 * The AI SDK executor on an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM,
 * LM Studio), configured from the environment (see {@link readOpenAiCompatibleEnv}). Streaming
 * usage is requested so that turns report their tokens.
 *
 * @example
 * const executor = openAiCompatibleExecutorFromEnv(process.env, { exampleTools: true });
 */
export function openAiCompatibleExecutorFromEnv(
  env: NodeJS.ProcessEnv,
  opts: OpenAiCompatibleExecutorOptions = {},
): Executor {
  const config = readOpenAiCompatibleEnv(env);
  const {
    exampleTools: withExamples = false,
    fetch: customFetch,
    tools,
    ...executorOptions
  } = opts;
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: config.baseURL,
    apiKey: config.apiKey,
    includeUsage: true,
    ...(customFetch === undefined ? {} : { fetch: customFetch }),
  });
  const allTools: ToolSet = { ...(withExamples ? exampleTools() : {}), ...tools };
  return aiSdkExecutor({
    ...executorOptions,
    model: provider.chatModel(config.modelId),
    tools: allTools,
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
