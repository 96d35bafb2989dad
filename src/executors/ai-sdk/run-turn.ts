// The step loop of one turn: model call, tool round, boundary; and the three ways it ends.

import type { LanguageModel, ModelMessage, ToolModelMessage, ToolResultPart, ToolSet } from 'ai';
import type { RunContext, RunPrimitive, RunResult } from '../../runtime/executor.js';
import { parseHistory } from './parse-history.js';
import { toExecutorError } from './provider-error.js';
import { describeAbort, raceAbort } from './race-abort.js';
import { renderInputs } from './render-inputs.js';
import type { ToolCallToRun } from './run-tools.js';
import { runToolRound } from './run-tools.js';
import type { Decision } from './approval-round.js';
import {
  closeDecisions,
  decisionMessage,
  decisionsOf,
  needsApproval,
  requestApprovals,
} from './approval-round.js';
import { ToolOutcomes } from './tool-outcomes.js';
import { streamStep, type ModelCallSettings, type ModelProviderOptions } from './stream-step.js';
import type { ToolErrorPolicy } from './tool-errors.js';
import { TurnTranscript, unansweredToolCalls } from './turn-transcript.js';
import { TurnUsage } from './turn-usage.js';

/** The executor's resolved configuration. */
export interface TurnConfig {
  readonly model: LanguageModel;
  readonly system: string | undefined;
  readonly tools: ToolSet;
  readonly maxSteps: number;
  readonly toolErrors: ToolErrorPolicy;
  readonly settings: ModelCallSettings;
  readonly providerOptions: ModelProviderOptions | undefined;
}

/**
 * Runs one turn. Steps: (1) stream a model call over history + this turn's messages; (2) run the
 * client tool calls it made; (3) if it made any and steps remain, take the boundary: add injected
 * inputs, stop cleanly if asked; repeat. Ends `completed` (output: the last step's text),
 * `cancelled` (boundary stop or hard cancel, transcript closed), or throws an `ExecutorError`.
 */
export async function runTurn(
  config: TurnConfig,
  run: RunPrimitive,
  ctx: RunContext,
): Promise<RunResult> {
  const transcript = new TurnTranscript();
  const usage = new TurnUsage();
  const outcomes = new ToolOutcomes();
  const tools = selectTools(config.tools, run.metadata.tools);
  const declared = declareTools(tools);
  const system = joinSystem(config.system, run.metadata.instructions);
  const decisions = decisionsOf(run.inputs);
  // The decisions' tool message opens the turn: every decided call gets its one result in it.
  const answer = decisions.length > 0 ? decisionMessage(decisions) : null;
  for (const d of decisions) if (!d.approved) outcomes.end(d.call, 'denied');
  const end = (result: RunResult): RunResult => {
    const runUsage = usage.toRunUsage();
    const toolCalls = outcomes.toList();
    return {
      ...result,
      ...(runUsage === undefined ? {} : { usage: runUsage }),
      ...(toolCalls.length === 0 ? {} : { toolCalls }),
    };
  };
  const cancelled = (reason: string): RunResult => {
    if (answer !== null) {
      closeDecisions(answer, decisions, () => `cancelled: ${reason}`);
      outcomes.cancel(decisions.map((d) => d.call));
    }
    outcomes.cancel(unansweredToolCalls(transcript.messages));
    transcript.close(reason);
    return end({ status: 'cancelled', append: transcript.toAppend() });
  };
  try {
    // The inputs head the append on every path, even a cancel before the first model call.
    if (answer !== null) transcript.add(answer);
    transcript.add(...renderInputs(run.inputs.filter((i) => i.kind !== 'approval_decision')));
    const history = parseHistory(await raceAbort(ctx.history(), ctx.signal));
    closeUndecided(history, decisions, answer, transcript, outcomes);
    const approved = decisions.filter((d) => d.approved).map((d) => d.call);
    if (answer !== null && approved.length > 0) {
      outcomes.started(approved);
      const round = await runToolRound({
        calls: approved,
        tools: config.tools,
        messages: history,
        signal: ctx.signal,
        emit: (progress) => ctx.emit(progress),
        policy: config.toolErrors,
      });
      answer.content.push(...round.results);
      outcomes.finished(round.results);
      if (!round.ok) throw round.error;
    }
    for (let index = 0; ; index += 1) {
      ctx.emit({ type: 'step', index });
      const messages = [...history, ...transcript.messages];
      const step = await streamStep({
        model: config.model,
        system,
        messages,
        tools: declared,
        signal: ctx.signal,
        emit: (progress) => ctx.emit(progress),
        settings: config.settings,
        providerOptions: config.providerOptions,
      });
      transcript.add(...step.messages);
      if (step.status === 'aborted') return cancelled(describeAbort(ctx.signal));
      usage.add(step.usage);
      if (step.toolCalls.length > 0) {
        const asking: ToolCallToRun[] = [];
        const running: ToolCallToRun[] = [];
        for (const call of step.toolCalls)
          ((await needsApproval(tools, call, messages)) ? asking : running).push(call);
        if (running.length > 0) {
          outcomes.started(running);
          const round = await runToolRound({
            calls: running,
            tools,
            messages,
            signal: ctx.signal,
            emit: (progress) => ctx.emit(progress),
            policy: config.toolErrors,
          });
          transcript.addToolResults(round.results);
          outcomes.finished(round.results);
          if (!round.ok) throw round.error;
        }
        if (asking.length > 0) {
          // The calls stay open: the decision's turn gives each its one result.
          const approvals = requestApprovals(transcript.messages, asking);
          return end({ status: 'awaiting_approval', approvals, append: transcript.toAppend() });
        }
      }
      if (!step.askedForTools || index + 1 >= config.maxSteps) {
        return end({ status: 'completed', output: step.text, append: transcript.toAppend() });
      }
      const directive = await raceAbort(ctx.boundary(), ctx.signal);
      transcript.add(...renderInputs(directive.inject));
      if (directive.stop) return cancelled('stopped at a step boundary');
    }
  } catch (e: unknown) {
    if (ctx.signal.aborted) return cancelled(describeAbort(ctx.signal));
    throw toExecutorError(e);
  }
}

/**
 * Calls the committed transcript leaves open without a decision in this batch (an approval that was
 * dropped: the session was reset or retired before it was decided) get an `error-text` result first,
 * so the conversation sent to the model stays valid.
 */
function closeUndecided(
  history: readonly ModelMessage[],
  decisions: readonly Decision[],
  answer: ToolModelMessage | null,
  transcript: TurnTranscript,
  outcomes: ToolOutcomes,
): void {
  const decided = new Set(decisions.map((d) => d.call.toolCallId));
  const open = unansweredToolCalls(history).filter((c) => !decided.has(c.toolCallId));
  if (open.length === 0) return;
  const parts = open.map((c): ToolResultPart => ({
    type: 'tool-result',
    toolCallId: c.toolCallId,
    toolName: c.toolName,
    output: { type: 'error-text', value: 'cancelled: the call was never decided' },
  }));
  for (const c of open) outcomes.end({ ...c, input: null }, 'cancelled_before_start');
  if (answer !== null) answer.content.push(...parts);
  else transcript.messages.unshift({ role: 'tool', content: parts });
}

/** The tools a turn may use: all of them, or the ones its `tools` metadata names. */
function selectTools(tools: ToolSet, names: readonly string[] | undefined): ToolSet {
  if (names === undefined) return tools;
  return Object.fromEntries(Object.entries(tools).filter(([name]) => names.includes(name)));
}

/** The tools as the model sees them: without `execute`, so the SDK stops after each model call. */
function declareTools(tools: ToolSet): ToolSet {
  return Object.fromEntries(
    Object.entries(tools).map(([name, tool]) => {
      // Without `needsApproval` too: this executor asks for approvals itself (approval-round.ts).
      const { execute: _execute, needsApproval: _needsApproval, ...declaration } = tool;
      return [name, declaration];
    }),
  );
}

function joinSystem(
  system: string | undefined,
  instructions: string | undefined,
): string | undefined {
  if (instructions === undefined || instructions === '') return system;
  return system === undefined || system === '' ? instructions : `${system}\n\n${instructions}`;
}
