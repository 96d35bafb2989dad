// The typed per-session event stream (03, "Events"): envelope and every event type with its data.

import type { AdmissionDecision } from './admission/admission.js';
import type { AbandonReason, InputOutcome } from './ledger/input-record.js';
import type { JsonValue } from './json.js';
import type { FailureCause, Phase } from './machine/state.js';

/** How a tool call of a turn can end (issue 12). */
export const TOOL_CALL_OUTCOMES = [
  'completed',
  'failed',
  'denied',
  'cancelled_before_start',
  'cancelled_while_running',
] as const;

/** How one tool call of a turn ended, as `run.completed` and `run.cancelled` record it. */
export interface ToolCallRecord {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly outcome: (typeof TOOL_CALL_OUTCOMES)[number];
}

/** Event data by type. */
export interface RuntimeEventData {
  'session.registered': { readonly epochId: string; readonly recovered: boolean };
  'session.unregistered': { readonly retainSnapshot: boolean };
  'session.phase_changed': { readonly from: Phase; readonly to: Phase };
  'session.executor_attached': Record<string, never>;
  'session.executor_detached': { readonly reason: string };
  'runtime.notice': { readonly kind: string; readonly message: string };
  'input.accepted': {
    readonly inputId: string;
    readonly kind: string;
    readonly decision: AdmissionDecision;
  };
  'input.deduplicated': { readonly inputId: string; readonly existingId: string };
  'input.rejected': {
    readonly code: string;
    readonly message: string;
    readonly inputId: string | null;
  };
  'input.queued': { readonly inputId: string; readonly attempt: number };
  'input.staged': { readonly inputId: string; readonly runId: string };
  'input.applied': { readonly inputId: string; readonly runId: string };
  'input.consumed': { readonly inputId: string; readonly runId: string | null };
  'input.superseded': { readonly inputId: string; readonly by: string };
  'input.coalesced': { readonly inputId: string; readonly into: string };
  'input.abandoned': {
    readonly inputId: string;
    readonly reason: AbandonReason;
    readonly outcome: InputOutcome;
  };
  'run.started': {
    readonly runId: string;
    readonly inputIds: readonly string[];
    readonly attempt: number;
  };
  'run.boundary': {
    readonly runId: string;
    readonly n: number;
    readonly injected: readonly string[];
  };
  'run.progress': { readonly runId: string; readonly progress: JsonValue };
  'run.completed': {
    readonly runId: string;
    readonly resultClass: string;
    /** Token usage the executor reported, when it did. */
    readonly usage?:
      | {
          readonly inputTokens?: number | undefined;
          readonly outputTokens?: number | undefined;
          readonly totalTokens?: number | undefined;
        }
      | undefined;
    /** How each tool call that ended in the turn ended, when the executor reported it. */
    readonly toolCalls?: readonly ToolCallRecord[] | undefined;
  };
  'run.failed': {
    readonly runId: string;
    readonly cause: FailureCause;
    readonly retryable: boolean;
    readonly message: string;
  };
  'run.cancelled': {
    readonly runId: string;
    readonly reason: string;
    /** How each tool call that ended in the turn ended, when the executor reported it. */
    readonly toolCalls?: readonly ToolCallRecord[] | undefined;
  };
  'op.started': { readonly operationId: string; readonly kind: string };
  'op.updated': { readonly operationId: string; readonly status: string };
  'op.finished': {
    readonly operationId: string;
    readonly status: string;
    readonly completionSeq: number | null;
  };
  'visibility.changed': { readonly revision: number };
  'approval.requested': {
    readonly approvalId: string;
    readonly runId: string;
    readonly toolCallId: string;
    readonly toolName: string;
    readonly callHash: string;
    readonly expiresAt: string;
  };
  'approval.decided': {
    readonly approvalId: string;
    readonly decision: 'approve' | 'deny';
    readonly reason: string | null;
    /** `operator` for a person's decision, `system` for one the runtime took (expired, superseded). */
    readonly origin: string;
    readonly inputId: string;
  };
}

/** The name of an event type. */
export type RuntimeEventType = keyof RuntimeEventData;

/** Every event type, for documentation and exhaustive tests. */
export const RUNTIME_EVENT_TYPES = [
  'session.registered',
  'session.unregistered',
  'session.phase_changed',
  'session.executor_attached',
  'session.executor_detached',
  'runtime.notice',
  'input.accepted',
  'input.deduplicated',
  'input.rejected',
  'input.queued',
  'input.staged',
  'input.applied',
  'input.consumed',
  'input.superseded',
  'input.coalesced',
  'input.abandoned',
  'run.started',
  'run.boundary',
  'run.progress',
  'run.completed',
  'run.failed',
  'run.cancelled',
  'op.started',
  'op.updated',
  'op.finished',
  'visibility.changed',
  'approval.requested',
  'approval.decided',
] as const satisfies readonly RuntimeEventType[];

/**
 * Event types that report nothing the store keeps (a refusal, a deduplication, progress of a turn):
 * they are delivered live only, carry no seq of their own, and are never replayed. Every other event
 * reports a durable change: it gets its seq when its commit is built and is written in the same
 * transaction, so what a subscriber saw is exactly what a replay returns.
 */
export const TRANSIENT_EVENT_TYPES = [
  'input.rejected',
  'input.deduplicated',
  'run.progress',
] as const satisfies readonly RuntimeEventType[];

/** One of {@link TRANSIENT_EVENT_TYPES}. */
export type TransientEventType = (typeof TRANSIENT_EVENT_TYPES)[number];

/** Every event type that is written to the store with the change it reports. */
export type DurableEventType = Exclude<RuntimeEventType, TransientEventType>;

/** True when events of `type` are transient (never stored, no seq). */
export function isTransientType(type: RuntimeEventType): type is TransientEventType {
  return (TRANSIENT_EVENT_TYPES as readonly RuntimeEventType[]).includes(type);
}

/** An event that reports a durable change: `seq` is strictly increasing per session, never reused. */
export type DurableEvent = {
  [T in DurableEventType]: {
    readonly seq: number;
    readonly id: string;
    readonly at: string;
    readonly sessionId: string;
    readonly type: T;
    readonly data: RuntimeEventData[T];
  };
}[DurableEventType];

/**
 * A live-only event: no seq or id of its own; `after` is the seq of the last durable event published
 * before it (0 when none), so a viewer can place it in the stream.
 */
export type TransientEvent = {
  [T in TransientEventType]: {
    readonly seq: null;
    readonly id: null;
    readonly after: number;
    readonly at: string;
    readonly sessionId: string;
    readonly type: T;
    readonly data: RuntimeEventData[T];
  };
}[TransientEventType];

/** An event as emitted: durable (stored, with a seq) or transient (live only). */
export type RuntimeEvent = DurableEvent | TransientEvent;

/** True when `event` is durable (it has a seq and a replay returns it). */
export function isDurableEvent(event: RuntimeEvent): event is DurableEvent {
  return event.seq !== null;
}
