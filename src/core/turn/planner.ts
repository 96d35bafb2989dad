// The turn planner: from a run's verdict and the session's facts, everything the end of the turn
// changes (the machine's step, each input's fate, the receipt, the pending approvals, the events and
// the transcript). Pure: no I/O, no clock (`now` comes in); the runtime only persists and installs it.

import type { PendingApproval } from '../approvals.js';
import type { Ledger } from '../ledger/input-ledger.js';
import type { InputOutcome } from '../ledger/input-record.js';
import type { JsonValue } from '../json.js';
import type { EndPlan, RunEnd } from '../ledger/run-end.js';
import { planRunEnd } from '../ledger/run-end.js';
import { classifyCompletion } from '../machine/classifiers.js';
import type { MachineEffect } from '../machine/effects.js';
import type { MachineInput } from '../machine/inputs.js';
import type { MachineState, TurnOutcome } from '../machine/state.js';
import type { Rejection } from '../machine/session-machine.js';
import { stepAll } from '../machine/session-machine.js';
import type { TurnEvent } from './events.js';
import { approvalEvents, approvalOutput } from './events.js';
import type { TurnVerdict } from './verdict.js';

/** The session's facts the end of a turn depends on. */
export interface EndingTurn {
  readonly machine: MachineState;
  readonly ledger: Ledger;
  readonly runId: string;
  /** The run's attempt (the highest attempt of the inputs it started with). */
  readonly attempt: number;
  /** The seq of the session's last receipt. */
  readonly receiptSeq: number;
  /** The session's pending approvals before this turn. */
  readonly approvals: readonly PendingApproval[];
  readonly maxAttempts: number;
  /** ISO time of the end. */
  readonly now: string;
}

/** The receipt of a run that ended (the store adds its record version). */
export interface TurnReceipt {
  readonly runId: string;
  readonly seq: number;
  readonly outcome: TurnOutcome;
  readonly resultClass: string;
  /** Every member of the run: the batch it started with and the steer inputs injected at its boundaries. */
  readonly inputIds: readonly string[];
  readonly attempt: number;
  readonly at: string;
  readonly result: JsonValue;
}

/** Everything the end of a turn changes, or the machine's refusal of that end (a bug in the shell). */
export type TurnPlan =
  | {
      readonly ok: true;
      readonly machine: {
        readonly state: MachineState;
        readonly effects: readonly MachineEffect[];
      };
      /** Each member input's fate (consumed, requeued or settled), and the ledger patch. */
      readonly inputs: EndPlan;
      readonly receipt: TurnReceipt;
      readonly events: readonly TurnEvent[];
      readonly transcript: readonly JsonValue[];
      /** The session's pending approvals after the turn; null when the turn leaves them as they were. */
      readonly approvals: readonly PendingApproval[] | null;
      /** The highest attempt among the inputs put back in their lane; null when none was. */
      readonly requeuedAttempts: number | null;
    }
  | { readonly ok: false; readonly rejection: Rejection };

/** How the inputs, the receipt and the events see the end (computed from the stepped machine). */
interface Ending {
  readonly end: RunEnd;
  readonly resultClass: string;
  readonly result: JsonValue;
  readonly events: readonly TurnEvent[];
  readonly transcript: readonly JsonValue[];
  readonly approvals: readonly PendingApproval[] | null;
}

/** The machine inputs that end the run: the outcome, then its terminal step. */
function machineInputs(runId: string, verdict: TurnVerdict): MachineInput[] {
  switch (verdict.type) {
    case 'completed':
    case 'awaiting_approval':
      return [
        { type: 'RunCompleted', runId },
        { type: 'Commit', runId },
      ];
    case 'failed':
      return [
        { type: 'RunFailed', runId, cause: verdict.cause, message: verdict.message },
        { type: 'Fail', runId },
      ];
    case 'cancelled':
      return [
        { type: 'RunCancelled', runId },
        { type: 'CancelRun', runId },
      ];
  }
}

/** A completed run: its inputs are consumed with its output, when the classification keeps it. */
function completedEnding(
  turn: EndingTurn,
  stepped: MachineState,
  verdict: Extract<TurnVerdict, { type: 'completed' | 'awaiting_approval' }>,
): Ending {
  const { runId } = turn;
  const waiting = verdict.type === 'awaiting_approval';
  const output = waiting ? approvalOutput(verdict.requested) : verdict.output;
  const classified = classifyCompletion(stepped, {
    kind: 'run',
    runId,
    hasResult: output !== undefined,
    hasError: false,
    finalization: 'ok',
  });
  const outcome: InputOutcome =
    classified.ok && classified.class === 'completed' && output !== undefined
      ? { status: 'completed', runId, result: output }
      : { status: 'completed_without_result', runId };
  return {
    end: { type: 'consumed', outcome },
    resultClass: outcome.status,
    result: outcome.status === 'completed' ? outcome.result : null,
    events: [
      { type: 'run.completed', data: { runId, resultClass: outcome.status, ...verdict.facts } },
      ...(waiting ? approvalEvents(runId, verdict.requested) : []),
    ],
    transcript: verdict.append,
    approvals: waiting ? [...turn.approvals, ...verdict.requested] : null,
  };
}

function endingOf(turn: EndingTurn, stepped: MachineState, verdict: TurnVerdict): Ending {
  const { runId } = turn;
  switch (verdict.type) {
    case 'completed':
    case 'awaiting_approval':
      return completedEnding(turn, stepped, verdict);
    case 'failed': {
      const { cause, retryable, message } = verdict;
      return {
        end: {
          type: 'failed',
          retryable,
          maxAttempts: turn.maxAttempts,
          error: { code: cause, message, retryable },
        },
        resultClass: 'failed',
        result: { error: message },
        events: [{ type: 'run.failed', data: { runId, cause, retryable, message } }],
        transcript: [],
        approvals: null,
      };
    }
    case 'cancelled': {
      const reason = verdict.reason ?? executorStopReason(turn.machine);
      return {
        end: { type: 'cancelled', reason },
        resultClass: 'cancelled',
        result: null,
        events: [{ type: 'run.cancelled', data: { runId, reason, ...verdict.facts } }],
        transcript: verdict.append,
        approvals: null,
      };
    }
  }
}

/** Why an executor that stopped by itself did: at the boundary it was asked to stop at, or on its own. */
function executorStopReason(machine: MachineState): string {
  if (machine.turn.status === 'cancelled') return 'cancelled after boundary';
  return 'cancelled by the executor';
}

/**
 * Plans the end of the turn `turn.runId` with `verdict`: steps the machine once through the run's
 * outcome and terminal step, and derives the inputs' fates, receipt, approvals, events and transcript.
 *
 * @example
 * const plan = planTurnEnd(turn, { type: 'completed', output: 'hi', append: [], facts: {} });
 * if (plan.ok) console.log(plan.receipt.resultClass); // 'completed'
 */
export function planTurnEnd(turn: EndingTurn, verdict: TurnVerdict): TurnPlan {
  const stepped = stepAll(turn.machine, machineInputs(turn.runId, verdict));
  if (!stepped.ok) return stepped;
  const ending = endingOf(turn, stepped.state, verdict);
  const inputs = planRunEnd(turn.ledger, turn.runId, ending.end, turn.now);
  const requeued = inputs.records.filter((r) => r.state.status === 'queued');
  return {
    ok: true,
    machine: stepped,
    inputs,
    receipt: {
      runId: turn.runId,
      seq: turn.receiptSeq + 1,
      outcome: stepped.state.turn.outcome ?? 'failed',
      resultClass: ending.resultClass,
      inputIds: inputs.records.map((r) => r.header.inputId),
      attempt: turn.attempt,
      at: turn.now,
      result: ending.result,
    },
    events: ending.events,
    transcript: ending.transcript,
    approvals: ending.approvals,
    requeuedAttempts:
      requeued.length === 0 ? null : Math.max(0, ...requeued.map((r) => r.attempts)),
  };
}
