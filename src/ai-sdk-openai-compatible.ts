// `burrow/ai-sdk/openai-compatible`: the AI SDK executor configured from OPENAI_BASE_URL, OPENAI_API_KEY
// and BURROW_MODEL (needs ai@6 and @ai-sdk/openai-compatible@2).

export {
  OPENAI_COMPATIBLE_ENV,
  openAiCompatibleExecutorFromEnv,
  readOpenAiCompatibleEnv,
} from './executors/ai-sdk/openai-compatible.js';
export type {
  OpenAiCompatibleConfig,
  OpenAiCompatibleExecutorOptions,
} from './executors/ai-sdk/openai-compatible.js';
