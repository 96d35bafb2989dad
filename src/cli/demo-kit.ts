// The demo's instruments: gates that decide when a scripted turn ends, an event log to wait on, and the
// record of what the runtime reported for each input.

import type { AdmissionDecision } from '../core/admission/admission.js';
import { isBurrowError, toError } from '../core/errors.js';
import type { InputSubmission, WhenBusy } from '../core/input-kinds.js';
import type { InputOutcome } from '../core/ledger/input-record.js';
import type { RuntimeEvent, RuntimeEventType } from '../core/runtime-event.js';
import type { Runtime } from '../runtime/runtime-api.js';

/** A gate: a promise the demo opens when it wants the turn's step to end. */
export interface Gate {
  readonly promise: Promise<void>;
  readonly open: () => void;
}

/** Creates a closed {@link Gate}. */
export function createGate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Every event of every session, in arrival order, with waiters. */
export interface EventLog {
  /** The events of `sessionId` so far. */
  of(sessionId: string): RuntimeEvent[];
  /** Resolves with the first event (past or future) of `sessionId` with `type` that matches. */
  waitFor<T extends RuntimeEventType>(
    sessionId: string,
    type: T,
    match?: (event: Extract<RuntimeEvent, { type: T }>) => boolean,
  ): Promise<Extract<RuntimeEvent, { type: T }>>;
  stop(): void;
}

/** Subscribes to every event of `runtime` (before any session is registered). */
export function createEventLog(runtime: Runtime): EventLog {
  const events: RuntimeEvent[] = [];
  const waiters = new Set<(event: RuntimeEvent) => boolean>();
  const unsubscribe = runtime.onEvent((event) => {
    events.push(event);
    for (const waiter of [...waiters]) if (waiter(event)) waiters.delete(waiter);
  });
  return {
    of: (sessionId) => events.filter((e) => e.sessionId === sessionId),
    waitFor(sessionId, type, match = () => true) {
      type E = Extract<RuntimeEvent, { type: typeof type }>;
      const fits = (event: RuntimeEvent): event is E =>
        event.sessionId === sessionId && event.type === type && match(event as E);
      const past = events.find(fits);
      if (past !== undefined) return Promise.resolve(past);
      return new Promise((resolve) => {
        waiters.add((event) => {
          if (!fits(event)) return false;
          resolve(event);
          return true;
        });
      });
    },
    stop: unsubscribe,
  };
}

/** One input of a step: what was sent and what the runtime said about it. */
export interface DemoInput {
  readonly label: string;
  readonly content: string;
  readonly whenBusy: WhenBusy | null;
  readonly inputId: string | null;
  readonly decision: Pick<AdmissionDecision, 'lane' | 'queueMode'> | null;
  /** The completion's outcome, exactly as the runtime settled it. */
  outcome: InputOutcome | null;
  /** The refusal, when `acceptInput` threw. */
  readonly refused: { readonly code: string; readonly message: string } | null;
}

/** A sent input whose completion can be awaited. */
export interface Sent {
  readonly input: DemoInput;
  /** Resolves with the outcome (and records it on `input`); resolves at once for a refused input. */
  settled(): Promise<InputOutcome | null>;
}

/** Accepts a prompt and records the runtime's answer, or its refusal. */
export async function send(
  runtime: Runtime,
  sessionId: string,
  label: string,
  content: string,
  whenBusy: WhenBusy | null = null,
): Promise<Sent> {
  const submission: InputSubmission = { kind: 'prompt', content };
  try {
    const accepted = await runtime.acceptInput(
      sessionId,
      submission,
      whenBusy === null ? {} : { whenBusy },
    );
    const input: DemoInput = {
      label,
      content,
      whenBusy,
      inputId: accepted.inputId,
      decision: { lane: accepted.decision.lane, queueMode: accepted.decision.queueMode },
      outcome: null,
      refused: null,
    };
    return {
      input,
      settled: async () => (input.outcome = await accepted.completion),
    };
  } catch (error: unknown) {
    const refused = isBurrowError(error)
      ? { code: error.code, message: error.message }
      : { code: 'error', message: toError(error).message };
    const input: DemoInput = {
      label,
      content,
      whenBusy,
      inputId: null,
      decision: null,
      outcome: null,
      refused,
    };
    return { input, settled: () => Promise.resolve(null) };
  }
}

/** A short id for people: the last 8 characters (uuid v7 ids share their time prefix). */
export function shortId(id: string | null): string {
  return id === null ? '-' : id.length <= 8 ? id : `…${id.slice(-8)}`;
}

/** One line for an outcome, built only from the outcome's own fields. */
export function describeOutcome(outcome: InputOutcome): string {
  switch (outcome.status) {
    case 'completed':
      return `completed in run ${shortId(outcome.runId)}, result ${JSON.stringify(outcome.result)}`;
    case 'completed_without_result':
      return `completed_without_result in run ${shortId(outcome.runId)}`;
    case 'completed_with_finalization_failure':
      return `completed_with_finalization_failure in run ${shortId(outcome.runId)}: ${outcome.error.message}`;
    case 'superseded':
      return `superseded by input ${shortId(outcome.by)}`;
    case 'coalesced':
      return `coalesced into input ${shortId(outcome.into)}`;
    case 'cancelled':
      return `cancelled in run ${shortId(outcome.runId)} (${outcome.reason})`;
    case 'failed':
      return `failed in run ${shortId(outcome.runId)}: ${outcome.error.code} ${outcome.error.message}`;
    case 'abandoned':
      return `abandoned (${outcome.reason})`;
    case 'runtime_terminated':
      return `runtime_terminated (${outcome.reason})`;
  }
}
