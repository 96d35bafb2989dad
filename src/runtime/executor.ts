// The executor contract (03): the agent that runs one turn over a batch of inputs.

import type { ExecutionKind, BoundaryMode } from '../core/admission/admission.js';
import type { InputPayload, Origin } from '../core/input-kinds.js';
import type { JsonValue } from '../core/json.js';
import type { ToolCallRecord } from '../core/runtime-event.js';

/** One input as the executor receives it (staged into a run, or injected at a boundary). */
export interface StagedInput {
  readonly inputId: string;
  readonly kind: InputPayload['kind'];
  /** The kind-specific fields (`content`, `source`, `payload`, ...), including `kind`. */
  readonly payload: InputPayload;
  readonly origin: Origin;
  readonly createdAt: string;
  readonly metadata: { readonly [key: string]: JsonValue } | null;
}

/** Turn options merged from the batch's inputs; conflicting scalars fail the run before it starts. */
export interface TurnMetadata {
  readonly model?: string;
  readonly instructions?: string;
  readonly tools?: readonly string[];
  /** Merged `metadata` of the inputs (opaque to the runtime). */
  readonly values: { readonly [key: string]: JsonValue };
}

/** What one turn is asked to do. */
export interface RunPrimitive {
  readonly runId: string;
  readonly sessionId: string;
  /** The highest `attempts` of its inputs: 1 for their first run, 2 after one failed run, ... */
  readonly attempt: number;
  readonly executionKind: ExecutionKind;
  readonly boundary: BoundaryMode;
  /** Contributing inputs, in batch order. */
  readonly inputs: readonly StagedInput[];
  readonly metadata: TurnMetadata;
}

/** What `boundary()` tells the executor: steer inputs to add now, and whether to stop cleanly. */
export interface BoundaryDirective {
  readonly inject: readonly StagedInput[];
  readonly stop: boolean;
}

/** Ephemeral progress for live viewers (not persisted). */
export type RunProgress =
  | { readonly type: 'text_delta'; readonly text: string }
  | {
      readonly type: 'tool_call';
      readonly toolCallId: string;
      readonly toolName: string;
      readonly args: JsonValue;
    }
  | {
      readonly type: 'tool_result';
      readonly toolCallId: string;
      readonly toolName: string;
      readonly result: JsonValue;
    }
  | { readonly type: 'step'; readonly index: number }
  | { readonly type: 'custom'; readonly data: JsonValue };

/** What the runtime gives the executor for one turn. */
export interface RunContext {
  /** Hard cancel; `signal.reason` says why. Pass it to every model call and every tool. */
  readonly signal: AbortSignal;
  /** Call between steps (after each model call / tool round). */
  boundary(): Promise<BoundaryDirective>;
  /** Text deltas, tool calls: ephemeral events for live viewers. Never throws. */
  emit(progress: RunProgress): void;
  /** The session's committed transcript, oldest first. */
  history(): Promise<JsonValue[]>;
}

/** Token usage of a turn, when the executor knows it. */
export interface RunUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
}

/**
 * A tool call the executor will not run without a person's decision (issue 12). The runtime records it
 * as a pending approval (minting `approvalId` when the executor gives none) and hands the decision back
 * as an `approval_decision` input of a later turn.
 */
export interface ApprovalRequest {
  readonly approvalId?: string;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: JsonValue;
}

export { TOOL_CALL_OUTCOMES } from '../core/runtime-event.js';
/** One of {@link TOOL_CALL_OUTCOMES}: completed, failed, denied, cancelled before start or while running. */
export type ToolCallOutcomeKind = ToolCallRecord['outcome'];
/** The recorded end of one tool call; the runtime stores them on the run's `run.completed` / `run.cancelled` event. */
export type ToolCallOutcome = ToolCallRecord;

/** The result of a turn. `append`: messages to add to the transcript, committed with the run. */
export type RunResult =
  | {
      readonly status: 'completed';
      readonly output?: JsonValue;
      readonly append?: readonly JsonValue[];
      readonly usage?: RunUsage;
      /** How each tool call that ended in this turn ended. */
      readonly toolCalls?: readonly ToolCallOutcome[];
    }
  | {
      readonly status: 'completed_without_result';
      readonly append?: readonly JsonValue[];
      readonly usage?: RunUsage;
      /** How each tool call that ended in this turn ended. */
      readonly toolCalls?: readonly ToolCallOutcome[];
    }
  | {
      readonly status: 'callback_pending';
      readonly toolName: string;
      readonly args: JsonValue;
      readonly append?: readonly JsonValue[];
      readonly usage?: RunUsage;
      /** How each tool call that ended in this turn ended. */
      readonly toolCalls?: readonly ToolCallOutcome[];
    }
  | {
      /**
       * The turn stopped before running calls that need approval. `append` must end with those calls
       * open (no result yet): the decision's turn closes each with exactly one result.
       */
      readonly status: 'awaiting_approval';
      readonly approvals: readonly ApprovalRequest[];
      readonly append?: readonly JsonValue[];
      readonly usage?: RunUsage;
      /** How each tool call that ended in this turn ended. */
      readonly toolCalls?: readonly ToolCallOutcome[];
    }
  | {
      readonly status: 'cancelled';
      readonly append?: readonly JsonValue[];
      readonly usage?: RunUsage;
      /** How each tool call that ended in this turn ended. */
      readonly toolCalls?: readonly ToolCallOutcome[];
    };

/**
 * The agent. The runtime owns everything around the turn; the executor owns the conversation.
 * A turn whose commit did not land is re-run from the last committed transcript, so `apply` must
 * tolerate a re-run of an uncommitted turn (04, promise 3).
 */
export interface Executor {
  apply(run: RunPrimitive, ctx: RunContext): Promise<RunResult>;
  /** Stop accepting work (StopRuntimeExecutor). */
  stop?(reason: string): Promise<void>;
  /** Destructive cleanup, only after the stop is final. */
  cleanupAfterStop?(): Promise<void>;
}

/** Builds the executor for a session (used by recovery and auto-attach). */
export type ExecutorFactory = (sessionId: string) => Executor | Promise<Executor>;
