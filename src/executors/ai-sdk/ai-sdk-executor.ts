// The LLM executor on the Vercel AI SDK: one Burrow turn = one multi-step, streaming generation.
//
// How a turn runs (decisions where the specification was silent, see also run-turn.ts):
//
// - The executor drives the steps itself: each step is one `streamText` call with the tools
//   declared without `execute`, followed by a tool round this module runs. That is what lets the
//   runtime's boundary sit exactly between steps, lets steer inputs join the conversation before
//   the next model call (`prepareStep` cannot await a boundary nor end the loop cleanly), and lets
//   a hard cancel close the transcript even when a tool ignores its signal.
// - `boundary()` is called after a step whose tool round finished when another model call will
//   follow. A step that ends without tool calls ends the turn; steer inputs that arrive during it
//   stay in the runtime's steer lane and start the next turn.
// - Cancel-after-boundary (`stop: true`) returns `{ status: 'cancelled', append }`: the runtime has
//   already recorded the turn as cancelled at the boundary, and `append` holds every completed
//   step (and the injected inputs of that boundary), with no open tool call.
// - Hard cancel: the run's signal reaches every model call and every tool's `abortSignal`; waits
//   race the signal; the result is `{ status: 'cancelled', append }` where the partial assistant
//   message keeps the text streamed so far and each unanswered tool call gets an `error-text`
//   result `cancelled: <reason>`. Any throw after the signal aborted is a cancellation.
// - Tools with `needsApproval` (a boolean or the AI SDK's function): the step's other calls run;
//   then the turn ends `awaiting_approval` with the calls open and a `tool-approval-request` part
//   next to each. The decision's turn opens with a tool message holding the `tool-approval-response`
//   parts and one result per call (the output when approved, `execution-denied` when denied), then
//   lets the model continue (approval-round.ts).
// - Every tool call that ends in a turn is reported in `toolCalls` (completed, failed, denied,
//   cancelled before start, cancelled while running).
// - Tool throws are reported back to the model as `error-text` results by default (the AI SDK's
//   behaviour); `FatalToolError`, or `toolErrors: 'fail'`, fails the turn with `tool_failure`.
// - `append` is always exactly this turn's new messages: the rendered inputs, then assistant and
//   tool messages, with injected steer inputs where they were injected. Nothing is kept between
//   turns, so re-running an uncommitted turn from the same history duplicates nothing.

import type { LanguageModel, ToolSet } from 'ai';
import type { Executor } from '../../runtime/executor.js';
import { runTurn } from './run-turn.js';
import type { ModelCallSettings, ModelProviderOptions } from './stream-step.js';
import type { ToolErrorPolicy } from './tool-errors.js';

/** Options of {@link aiSdkExecutor}. */
export interface AiSdkExecutorOptions {
  /** The model, e.g. `createOpenAICompatible({...})('llama3.1')` or a `MockLanguageModelV3`. */
  readonly model: LanguageModel;
  /** The system prompt. A turn's `instructions` metadata is appended to it for that turn. */
  readonly system?: string;
  /** The tools the model may call. A turn's `tools` metadata narrows them to the names it lists. */
  readonly tools?: ToolSet;
  /** Most model calls in one turn (default 10). The turn completes when they are used up. */
  readonly maxSteps?: number;
  /** What an ordinary tool throw does (default `report`, see {@link ToolErrorPolicy}). */
  readonly toolErrors?: ToolErrorPolicy;
  /**
   * Call settings for every model call: `temperature`, `maxOutputTokens`, `timeout`, `headers`,
   * `maxRetries` (the SDK's own retries with back-off inside one step; default 2)...
   */
  readonly settings?: ModelCallSettings;
  /** Provider-specific options passed to every model call. */
  readonly providerOptions?: ModelProviderOptions;
}

const DEFAULT_MAX_STEPS = 10;

/**
 * An executor that runs each turn as an AI SDK agent loop over the session's transcript, with
 * steering at step boundaries, cancellation that reaches the model and the tools, and a
 * transcript that stays valid after a cancel. Tools that need approval (`needsApproval`) end the turn
 * awaiting a person's decision; the decision's turn runs or denies them and continues.
 *
 * @example
 * const executor = aiSdkExecutor({
 *   model: createOpenAICompatible({ name: 'local', baseURL: 'http://127.0.0.1:11434/v1' })('llama3.1'),
 *   system: 'You are a helpful assistant.',
 *   tools: { currentTime: currentTimeTool() },
 *   maxSteps: 8,
 * });
 * await runtime.registerSessionWithExecutor('s1', executor);
 */
export function aiSdkExecutor(options: AiSdkExecutorOptions): Executor {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`maxSteps must be a positive integer, got ${maxSteps}`);
  }
  const tools = options.tools ?? {};
  const config = {
    model: options.model,
    system: options.system,
    tools,
    maxSteps,
    toolErrors: options.toolErrors ?? 'report',
    settings: options.settings ?? {},
    providerOptions: options.providerOptions,
  } as const;
  return { apply: (run, ctx) => runTurn(config, run, ctx) };
}
