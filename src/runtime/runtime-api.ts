// The public surface of a Runtime (03, "Control operations"; 05, "Library"): the seed's operations in camelCase.

import type { AdmissionDecision } from '../core/admission.js';
import type { InputSubmission, WhenBusy } from '../core/input-kinds.js';
import type { InputOutcome, InputRecord, InputStatus } from '../core/input-record.js';
import type { JsonValue } from '../core/json.js';
import type { TranscriptEditVerdict } from '../core/machine-effects.js';
import type { Binding, Phase, Registration, TurnStatus } from '../core/machine-state.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import type { ToolEntry, ToolFilter, VisibilitySide } from '../core/tool-visibility.js';
import type { BackgroundOps } from './background-ops.js';
import type { RuntimeDiagnostics } from './diagnostics.js';
import type { RetentionReport } from './retention.js';
import type { Executor } from './executor.js';

/** Every async operation accepts a signal; aborting rejects with `signal.reason` and leaves no half-done work. */
export interface OperationOptions {
  readonly signal?: AbortSignal;
}

/** Options of `acceptInput`: header fields that override the submission's own. */
export interface AcceptOptions extends OperationOptions {
  readonly whenBusy?: WhenBusy;
  readonly idempotencyKey?: string;
  readonly supersedeKey?: string;
}

/** The answer to an accepted (or deduplicated) input. `completion` settles once, when the input is terminal. */
export interface AcceptResult {
  readonly status: 'accepted' | 'deduplicated';
  readonly inputId: string;
  readonly decision: AdmissionDecision;
  readonly completion: Promise<InputOutcome>;
}

/** The public view of a session (05, `runtime.snapshot`). */
export interface SessionSnapshot {
  readonly sessionId: string;
  /** The visible phase (a running session draining after retire reports `retired`). */
  readonly phase: Phase;
  readonly registration: Registration;
  readonly run: {
    readonly runId: string;
    readonly status: TurnStatus;
    readonly boundaryCount: number;
  } | null;
  readonly queues: { readonly queue: number; readonly steer: number };
  readonly inputs: Readonly<Record<InputStatus, number>>;
  readonly binding: Binding;
  readonly epochId: string;
  readonly visibility: { readonly activeRevision: number; readonly stagedRevision: number };
  readonly hasExecutor: boolean;
  readonly hasComms: boolean;
  readonly stopDeferred: boolean;
  readonly transcriptLength: number;
  readonly silentIntents: readonly string[];
}

/** One line of `listSessions`. */
export interface SessionSummary {
  readonly sessionId: string;
  readonly phase: Phase;
  readonly queue: number;
  readonly steer: number;
  readonly running: boolean;
}

/** One transcript message with its position. */
export interface TranscriptMessage {
  readonly index: number;
  readonly runId: string;
  readonly message: JsonValue;
}

/** A provisional hard-cancel handle for a turn that runs before the executor is attached. */
export interface InterruptHandle {
  hardCancel(reason: string): void | Promise<void>;
}

/** The application's seam for switching a session's model or provider for its next turn. */
export interface LlmReconfigureHost {
  reconfigure(sessionId: string, change: JsonValue): Promise<JsonValue | void>;
}

/** The control plane. Every mutating operation steps the machine, persists, then installs. */
export interface Runtime {
  registerSession(sessionId: string, options?: OperationOptions): Promise<boolean>;
  registerSessionWithExecutor(
    sessionId: string,
    executor: Executor,
    options?: OperationOptions,
  ): Promise<void>;
  ensureSessionWithExecutor(
    sessionId: string,
    executor: Executor,
    options?: OperationOptions,
  ): Promise<void>;
  installPreparedSessionInterruptHandle(sessionId: string, handle: InterruptHandle): Promise<void>;
  /** Binds a run for a turn the application runs outside the loop (the first turn of a surface). */
  beginServiceTurn(sessionId: string, options?: OperationOptions): Promise<{ runId: string }>;
  acceptInput(
    sessionId: string,
    input: InputSubmission,
    options?: AcceptOptions,
  ): Promise<AcceptResult>;
  acceptInputWithoutWake(
    sessionId: string,
    input: InputSubmission,
    options?: AcceptOptions,
  ): Promise<AcceptResult>;
  interrupt(sessionId: string, reason?: string, options?: OperationOptions): Promise<void>;
  cancelAfterBoundary(
    sessionId: string,
    reason?: string,
    options?: OperationOptions,
  ): Promise<void>;
  retire(sessionId: string, options?: OperationOptions): Promise<void>;
  abandonRetiredPendingInputs(
    sessionId: string,
    reason?: string,
    options?: OperationOptions,
  ): Promise<number>;
  recycle(sessionId: string, options?: OperationOptions): Promise<void>;
  reset(sessionId: string, options?: OperationOptions): Promise<void>;
  stop(sessionId: string, reason?: string, options?: OperationOptions): Promise<void>;
  destroy(sessionId: string, options?: OperationOptions): Promise<void>;
  unregisterSession(sessionId: string, options?: OperationOptions): Promise<void>;
  unregisterSessionIfEpoch(
    sessionId: string,
    epochId: string,
    options?: OperationOptions,
  ): Promise<boolean>;
  containsSession(sessionId: string): Promise<boolean>;
  sessionHasExecutor(sessionId: string): Promise<boolean>;
  sessionHasComms(sessionId: string): Promise<boolean>;
  wakeRuntimeIfActiveInputs(sessionId: string): Promise<boolean>;
  resolveTranscriptEditAdmission(
    sessionId: string,
    runtimeRunning: boolean,
    hasActiveInputs: boolean,
  ): Promise<TranscriptEditVerdict>;
  setSessionSilentIntents(
    sessionId: string,
    intents: readonly string[],
    options?: OperationOptions,
  ): Promise<void>;
  replaceToolCatalog(
    sessionId: string,
    tools: readonly ToolEntry[],
    options?: OperationOptions,
  ): Promise<void>;
  stagePersistentFilter(
    sessionId: string,
    filter: ToolFilter,
    options?: OperationOptions,
  ): Promise<number>;
  requestDeferredTools(
    sessionId: string,
    names: readonly string[],
    options?: OperationOptions,
  ): Promise<number>;
  publishCommittedVisibleSet(
    sessionId: string,
    sides: { readonly active: VisibilitySide; readonly staged: VisibilitySide },
    options?: OperationOptions,
  ): Promise<{ readonly active: VisibilitySide; readonly staged: VisibilitySide }>;
  commitServiceTurnTerminalReceipt(sessionId: string, options?: OperationOptions): Promise<void>;
  setSessionLlmReconfigureHost(host: LlmReconfigureHost): void;
  reconfigureSessionLlm(
    sessionId: string,
    change: JsonValue,
    options?: OperationOptions,
  ): Promise<JsonValue | void>;
  discardTerminalStorelessSession(sessionId: string): Promise<boolean>;
  /** Starts the comms drain of a session: peer inputs sent with `sendPeer` are pulled into it. */
  enableComms(
    sessionId: string,
    mode?: 'timed' | 'attached_session' | 'persistent_host',
  ): Promise<void>;
  /** The session's background operations (04): start, update, finish, feed, cursors, waitAll. */
  operations(sessionId: string): BackgroundOps;
  /** Sends a peer input to a session's mailbox (in-process peer channel). */
  sendPeer(toSessionId: string, input: InputSubmission): Promise<void>;
  snapshot(sessionId: string): Promise<SessionSnapshot>;
  getInput(sessionId: string, inputId: string): Promise<InputRecord | null>;
  getTranscript(
    sessionId: string,
    range?: { readonly offset?: number; readonly limit?: number },
  ): Promise<TranscriptMessage[]>;
  listSessions(range?: {
    readonly offset?: number;
    readonly limit?: number;
  }): Promise<SessionSummary[]>;
  events(
    sessionId: string,
    options?: { readonly since?: number; readonly signal?: AbortSignal },
  ): AsyncIterable<RuntimeEvent>;
  /** Subscribes to every session's events (dashboards, metrics); returns the unsubscribe function. */
  onEvent(listener: (event: RuntimeEvent) => void): () => void;
  /** Recovers every recoverable session from the store and attaches executors from the factory. */
  recover(options?: RecoverOptions): Promise<RecoverReport>;
  /** Graceful shutdown; aborting `signal` escalates to hard cancel. Idempotent, safe under concurrent calls. */
  close(options?: OperationOptions): Promise<void>;
  /** Applies retention now (it also runs periodically): retained terminal inputs in memory, then the store. */
  prune(): Promise<RetentionReport>;
  /** Internal health: invariant checks per session, live loops, held gates (leak checks, readiness). */
  diagnostics(): RuntimeDiagnostics;
}

/** Options of `recover`. */
export interface RecoverOptions extends OperationOptions {
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `recover` did. */
export interface RecoverReport {
  readonly recovered: number;
  readonly failed: readonly { readonly sessionId: string; readonly error: string }[];
}
