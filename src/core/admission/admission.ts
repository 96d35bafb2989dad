// The admission policy: the `whenBusy` table, per-kind defaults, and the decision recorded on each input.

import type { InputKind, InputPayload, WhenBusy } from '../input-kinds.js';

/** The lane an input joins; `none` for inputs consumed on accept. */
export type Lane = 'queue' | 'steer' | 'none';
/** How an input is ordered and combined within its lane. */
export type QueueMode = 'fifo' | 'merge' | 'supersede' | 'coalesce' | 'priority';
/** What the input asks of the loop after admission. */
export type WakeMode = 'none' | 'wake_if_idle' | 'interrupt_yielding' | 'immediate';
/** When the input reaches the executor: at run start, or injected at a boundary. */
export type BoundaryMode = 'run_start' | 'run_checkpoint';
/** What kind of turn the input starts. */
export type ExecutionKind = 'content_turn' | 'resume_pending';
/** When the input is consumed. */
export type ConsumePoint = 'on_run_complete' | 'on_accept';

/** The version of the policy below; recorded on every decision so a later policy never re-derives it. */
export const POLICY_VERSION = 1;

/** The decision record stored on each input (02). */
export interface AdmissionDecision {
  readonly whenBusy: WhenBusy;
  readonly lane: Lane;
  readonly queueMode: QueueMode;
  readonly wake: WakeMode;
  readonly boundary: BoundaryMode;
  readonly executionKind: ExecutionKind;
  readonly consumePoint: ConsumePoint;
  readonly policyVersion: number;
}

/** One row of the `whenBusy` policy table. */
export interface WhenBusyPolicy {
  readonly lane: Lane;
  readonly queueMode: QueueMode;
  readonly wake: WakeMode;
  readonly boundary: BoundaryMode;
  readonly whileRunning: string;
  readonly whileIdle: string;
  readonly ends: string;
}

/** The policy table of 02, as data. */
export const WHEN_BUSY_POLICY: Readonly<Record<WhenBusy, WhenBusyPolicy>> = {
  queue: {
    lane: 'queue',
    queueMode: 'fifo',
    wake: 'wake_if_idle',
    boundary: 'run_start',
    whileRunning: 'waits; runs in a later turn, FIFO',
    whileIdle: 'wakes the loop',
    ends: 'consumed by its turn',
  },
  merge: {
    lane: 'queue',
    queueMode: 'merge',
    wake: 'wake_if_idle',
    boundary: 'run_start',
    whileRunning: 'waits; all queued merge prompts run together in one turn',
    whileIdle: 'wakes',
    ends: 'consumed together',
  },
  latest: {
    lane: 'queue',
    queueMode: 'supersede',
    wake: 'wake_if_idle',
    boundary: 'run_start',
    whileRunning:
      'replaces older queued inputs with the same supersedeKey (without a key: older queued prompts)',
    whileIdle: 'wakes',
    ends: 'older ones end superseded{by}',
  },
  steer: {
    lane: 'steer',
    queueMode: 'fifo',
    wake: 'wake_if_idle',
    boundary: 'run_checkpoint',
    whileRunning: 'injected into the running turn at its next boundary',
    whileIdle: 'starts a turn',
    ends: 'consumed with that turn',
  },
  interrupt: {
    lane: 'queue',
    queueMode: 'priority',
    wake: 'immediate',
    boundary: 'run_start',
    whileRunning:
      "the running turn is hard-cancelled; this input runs next (the turn's inputs end abandoned{cancelled})",
    whileIdle: 'wakes',
    ends: 'consumed by its turn',
  },
  reject: {
    lane: 'queue',
    queueMode: 'fifo',
    wake: 'wake_if_idle',
    boundary: 'run_start',
    whileRunning: 'refused with session_busy',
    whileIdle: 'wakes',
    ends: '—',
  },
};

/** One row of the per-kind defaults table. */
export interface KindDefault {
  readonly whenBusy: WhenBusy | 'session' | 'none';
  readonly note: string;
}

/** Defaults per kind, applied when the input gives no `whenBusy` (02). */
export const KIND_DEFAULTS: Readonly<Record<InputKind | 'peer_response_progress', KindDefault>> = {
  prompt: { whenBusy: 'session', note: 'prompts never share a turn unless merge' },
  external_event: {
    whenBusy: 'queue',
    note: 'adjacent events with the same execution kind are batched into one turn',
  },
  peer_message: { whenBusy: 'queue', note: 'batched like events' },
  peer_request: {
    whenBusy: 'queue',
    note: 'a request whose intent is silent never wakes or interrupts; it rides along with the next turn',
  },
  peer_response_progress: {
    whenBusy: 'steer',
    note: 'never wakes; a newer progress for the same requestId coalesces the older one',
  },
  peer_response: {
    whenBusy: 'queue',
    note: 'terminal: always wakes when the session is not running',
  },
  continuation: {
    whenBusy: 'steer',
    note: 'execution kind resume_pending; wakes; may interrupt a yielding turn',
  },
  operation: { whenBusy: 'none', note: 'consumed on accept; no turn, no wake' },
  approval_decision: {
    whenBusy: 'queue',
    note: 'execution kind resume_pending, ahead of ordinary inputs; the turn runs once every pending approval is decided',
  },
};

/** What the admission function needs to know about the session. */
export interface AdmissionContext {
  readonly sessionDefault: WhenBusy;
  readonly silentIntents: readonly string[];
}

function isProgress(payload: InputPayload): boolean {
  return payload.kind === 'peer_response' && payload['status'] === 'progress';
}

function defaultWhenBusy(payload: InputPayload, context: AdmissionContext): WhenBusy {
  if (isProgress(payload)) return 'steer';
  const entry = KIND_DEFAULTS[payload.kind].whenBusy;
  return entry === 'session' ? context.sessionDefault : entry === 'none' ? 'queue' : entry;
}

/**
 * Decides, in one pure step, how an input is admitted: its lane, ordering, wake, boundary, execution
 * kind and consume point. The decision is recorded on the input and never re-derived.
 *
 * @example
 * resolveAdmission({ kind: 'prompt', content: 'hi' }, undefined, { sessionDefault: 'queue', silentIntents: [] });
 * // { whenBusy: 'queue', lane: 'queue', queueMode: 'fifo', wake: 'wake_if_idle', ... }
 */
export function resolveAdmission(
  payload: InputPayload,
  whenBusy: WhenBusy | undefined,
  context: AdmissionContext,
): AdmissionDecision {
  const chosen = whenBusy ?? defaultWhenBusy(payload, context);
  const base = WHEN_BUSY_POLICY[chosen];
  const decision: AdmissionDecision = {
    whenBusy: chosen,
    lane: base.lane,
    queueMode: base.queueMode,
    wake: base.wake,
    boundary: base.boundary,
    executionKind: payload.kind === 'continuation' ? 'resume_pending' : 'content_turn',
    consumePoint: 'on_run_complete',
    policyVersion: POLICY_VERSION,
  };
  switch (payload.kind) {
    case 'operation':
      return {
        ...decision,
        lane: 'none',
        queueMode: 'fifo',
        wake: 'none',
        consumePoint: 'on_accept',
      };
    case 'peer_request':
      // Silent intents never wake or interrupt (the seed wakes an idle session anyway; we do not).
      return typeof payload['intent'] === 'string' &&
        context.silentIntents.includes(payload['intent'])
        ? {
            ...decision,
            wake: 'none',
            queueMode: decision.queueMode === 'priority' ? 'fifo' : decision.queueMode,
          }
        : decision;
    case 'peer_response':
      return isProgress(payload)
        ? { ...decision, queueMode: 'coalesce', wake: 'none' }
        : { ...decision, wake: decision.wake === 'immediate' ? 'immediate' : 'wake_if_idle' };
    case 'approval_decision':
      // A decision resumes the turn that asked for it: ahead of ordinary work, never interrupting.
      return {
        ...decision,
        whenBusy: 'queue',
        lane: 'queue',
        queueMode: 'priority',
        wake: 'wake_if_idle',
        boundary: 'run_start',
        executionKind: 'resume_pending',
      };
    case 'continuation':
      return whenBusy === undefined
        ? { ...decision, queueMode: 'priority', wake: 'interrupt_yielding' }
        : decision;
    case 'prompt':
    case 'external_event':
    case 'peer_message':
      return decision;
  }
}

/** The machine's `AcceptInput` flags for a decision. */
export function acceptFlags(decision: AdmissionDecision): {
  requestImmediate: boolean;
  interruptYielding: boolean;
  wakeIfIdle: boolean;
} {
  return {
    requestImmediate: decision.wake === 'immediate',
    interruptYielding: decision.wake === 'interrupt_yielding',
    wakeIfIdle: decision.wake !== 'none',
  };
}
