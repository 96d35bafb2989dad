// One tool round: run the step's tool calls in parallel, each with the run's signal, racing aborts.

import type { ModelMessage, ToolResultPart, ToolSet } from 'ai';
import { toError } from '../../core/errors.js';
import type { JsonValue } from '../../core/json.js';
import type { RunProgress } from '../../runtime/executor.js';
import { raceAbort } from './race-abort.js';
import { toJsonValue } from './to-json.js';
import { toolFailure, type ToolErrorPolicy } from './tool-errors.js';

/** A tool call the model made that this executor runs (validated input, client-side tool). */
export interface ToolCallToRun {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
}

/** What a round needs. */
export interface ToolRound {
  readonly calls: readonly ToolCallToRun[];
  readonly tools: ToolSet;
  /** The messages the model saw before answering with these calls (passed to `execute`). */
  readonly messages: ModelMessage[];
  /** The run's signal: passed to every `execute` as `abortSignal`. */
  readonly signal: AbortSignal;
  readonly emit: (progress: RunProgress) => void;
  readonly policy: ToolErrorPolicy;
}

/**
 * How a round ended. `results` holds, in call order, the results of the tools that finished;
 * on failure (`error`: the abort reason or the turn-failing `ExecutorError`) the unfinished calls
 * have no result and the caller closes them.
 */
export type ToolRoundOutcome =
  | { readonly ok: true; readonly results: ToolResultPart[] }
  | { readonly ok: false; readonly results: ToolResultPart[]; readonly error: unknown };

/**
 * Runs every call at once. Each tool gets an `abortSignal` that fires on the run's abort or when a
 * sibling fails the turn; the round itself never waits for a tool that ignores its signal: the
 * wait races the signal, and a late settlement is dropped.
 */
export async function runToolRound(round: ToolRound): Promise<ToolRoundOutcome> {
  const siblings = new AbortController();
  const signal = AbortSignal.any([round.signal, siblings.signal]);
  const finished = new Map<string, ToolResultPart>();
  const ordered = (): ToolResultPart[] =>
    round.calls.flatMap((call) => finished.get(call.toolCallId) ?? []);
  try {
    const all = Promise.all(
      round.calls.map(async (call) => {
        const { part, result } = await runOne(call, signal, round);
        if (signal.aborted) return; // too late: the call is closed as cancelled
        // Record before emitting: a viewer that saw the result may abort at once.
        finished.set(call.toolCallId, part);
        round.emit({
          type: 'tool_result',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          result,
        });
      }),
    );
    await raceAbort(all, signal);
    return { ok: true, results: ordered() };
  } catch (e: unknown) {
    // Stop the siblings of a tool that failed the turn (a no-op after a run abort).
    siblings.abort(toError(e));
    return { ok: false, results: ordered(), error: e };
  }
}

/** A finished call: its result part for the transcript, and the result shown to live viewers. */
interface Finished {
  readonly part: ToolResultPart;
  readonly result: JsonValue;
}

async function runOne(
  call: ToolCallToRun,
  signal: AbortSignal,
  round: ToolRound,
): Promise<Finished> {
  const tool = round.tools[call.toolName];
  const finish = (output: ToolResultPart['output'], result: JsonValue): Finished => ({
    part: { type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output },
    result,
  });
  if (tool?.execute === undefined) {
    const message = `tool ${call.toolName} cannot be run here`;
    return finish({ type: 'error-text', value: message }, { error: message });
  }
  try {
    const raw: unknown = tool.execute(call.input, {
      toolCallId: call.toolCallId,
      messages: round.messages,
      abortSignal: signal,
    });
    const output = await raceAbort(finalOutput(raw), signal);
    const modelOutput: ToolResultPart['output'] =
      tool.toModelOutput !== undefined
        ? await tool.toModelOutput({ toolCallId: call.toolCallId, input: call.input, output })
        : typeof output === 'string'
          ? { type: 'text', value: output }
          : { type: 'json', value: toJsonValue(output) };
    return finish(modelOutput, toJsonValue(output));
  } catch (e: unknown) {
    if (signal.aborted) throw e;
    const failure = toolFailure(call.toolName, e, round.policy);
    if (failure !== undefined) throw failure;
    const message = toError(e).message;
    return finish({ type: 'error-text', value: message }, { error: message });
  }
}

/** A tool's final output: its awaited value, or the last value of a streaming (async iterable) tool. */
async function finalOutput(raw: unknown): Promise<unknown> {
  if (isAsyncIterable(raw)) {
    let last: unknown = undefined;
    for await (const value of raw) last = value;
    return last;
  }
  return await raw;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
