// The public names of `burrow/ai-sdk` (needs the optional peer `ai`). The OpenAI-compatible
// configuration lives on `burrow/ai-sdk/openai-compatible` (also needs `@ai-sdk/openai-compatible`).

export { aiSdkExecutor, type AiSdkExecutorOptions } from './ai-sdk-executor.js';
export { evaluateArithmetic } from './arithmetic.js';
export {
  calculatorTool,
  currentTimeTool,
  defaultNotesFile,
  exampleTools,
  saveNoteTool,
} from './example-tools.js';
export { toExecutorError } from './provider-error.js';
export { renderInputs } from './render-inputs.js';
export type { ModelCallSettings, ModelProviderOptions } from './stream-step.js';
export { FatalToolError, type ToolErrorPolicy } from './tool-errors.js';
export { closeToolCalls, unansweredToolCalls, type UnansweredToolCall } from './turn-transcript.js';
