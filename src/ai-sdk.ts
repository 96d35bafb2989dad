// `burrow/ai-sdk`: the Vercel AI SDK executor (needs the optional peer dependency ai@6).

export {
  aiSdkExecutor,
  calculatorTool,
  closeToolCalls,
  currentTimeTool,
  evaluateArithmetic,
  exampleTools,
  FatalToolError,
  renderInputs,
  toExecutorError,
  unansweredToolCalls,
} from './executors/ai-sdk/index.js';
export type {
  AiSdkExecutorOptions,
  ModelCallSettings,
  ModelProviderOptions,
  ToolErrorPolicy,
  UnansweredToolCall,
} from './executors/ai-sdk/index.js';
