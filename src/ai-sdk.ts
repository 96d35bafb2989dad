// `burrow/ai-sdk`: the Vercel AI SDK executor (needs the optional peer dependency ai@6).

export {
  aiSdkExecutor,
  calculatorTool,
  closeToolCalls,
  currentTimeTool,
  defaultNotesFile,
  evaluateArithmetic,
  exampleTools,
  FatalToolError,
  renderInputs,
  saveNoteTool,
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
