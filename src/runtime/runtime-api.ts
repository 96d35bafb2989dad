// The public surface of a Runtime (03, "Control operations"; 05, "Library"): the seed's operations in camelCase.
// The option and result types live in operation-types.ts, the read views in runtime-views.ts.

import type { ApprovalDecisionSubmission, PendingApproval } from '../core/approvals.js';
import type { InputSubmission } from '../core/input-kinds.js';
import type { ParsedSubmission } from '../core/input-submission.js';
import type { InputRecord } from '../core/ledger/input-record.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import type { BackgroundOps } from './background/registry.js';
import type { RuntimeSettings } from './runtime-settings-api.js';
import type { EventStreamOptions, RetentionReport, RuntimeDiagnostics } from './runtime-reports.js';
import type { Executor } from './executor.js';
import type {
  AcceptOptions,
  AcceptResult,
  InterruptHandle,
  OperationOptions,
  Readiness,
  RecoverOptions,
  RecoverReport,
} from './operation-types.js';
import type {
  InputPage,
  SessionPage,
  SessionQuery,
  SessionSnapshot,
  SessionSummary,
  TranscriptMessage,
} from './runtime-views.js';

/** The control plane. Every mutating operation steps the machine, persists, then installs. */
export interface Runtime extends RuntimeSettings {
  /** Registers a session (fresh, or recovered from the store); true if this call created it. Idempotent; `destroyed` for a destroyed stored session, `fenced` when another host owns it. */
  registerSession(sessionId: string, options?: OperationOptions): Promise<boolean>;
  /** Registers (if needed) and claims `executor`: spawns the runtime loop. Refused for retired, stopped, draining or destroyed sessions. */
  registerSessionWithExecutor(
    sessionId: string,
    executor: Executor,
    options?: OperationOptions,
  ): Promise<void>;
  /** As `registerSessionWithExecutor`; a session registered without an executor is upgraded in place and its queued inputs start draining. An existing live claim makes it a no-op. */
  ensureSessionWithExecutor(
    sessionId: string,
    executor: Executor,
    options?: OperationOptions,
  ): Promise<void>;
  /** Installs a provisional hard-cancel handle for a turn that runs before the executor is attached. */
  installPreparedSessionInterruptHandle(sessionId: string, handle: InterruptHandle): Promise<void>;
  /**
   * Accepts an input (02): validated, decided, persisted before it resolves (durable inputs), and the
   * loop woken as the decision says. An edge that parsed the input already (`parseSubmission`) passes
   * the parsed value, which is not parsed again.
   */
  acceptInput(
    sessionId: string,
    input: InputSubmission | ParsedSubmission,
    options?: AcceptOptions,
  ): Promise<AcceptResult>;
  /** As `acceptInput`, but the loop is not woken (`wakeRuntimeIfActiveInputs` or the next wake starts it). */
  acceptInputWithoutWake(
    sessionId: string,
    input: InputSubmission | ParsedSubmission,
    options?: AcceptOptions,
  ): Promise<AcceptResult>;
  /**
   * Decides a pending tool-call approval (issue 12): `approve` runs the call in the next turn, `deny`
   * reports the denial to the agent. `callHash` must be the pending call's. The same decision again is
   * `deduplicated`; another decision for a decided approval is `idempotency_conflict`; an unknown
   * approval is `approval_not_found` (404); a hash of another call is `approval_mismatch` (409).
   *
   * @example
   * const [approval] = await runtime.listApprovals('s1');
   * await runtime.decideApproval('s1', approval.approvalId, { decision: 'approve', callHash: approval.callHash });
   */
  decideApproval(
    sessionId: string,
    approvalId: string,
    decision: ApprovalDecisionSubmission,
    options?: OperationOptions,
  ): Promise<AcceptResult>;
  /** The session's tool calls waiting for a decision, oldest first. */
  listApprovals(sessionId: string, options?: OperationOptions): Promise<readonly PendingApproval[]>;
  /** Hard-cancels the current run (attached or running); with no run, a successful no-op. */
  interrupt(sessionId: string, reason?: string, options?: OperationOptions): Promise<void>;
  /** The current turn stops at its next boundary (needs a live loop). */
  cancelAfterBoundary(
    sessionId: string,
    reason?: string,
    options?: OperationOptions,
  ): Promise<void>;
  /** No new input; the queue drains, then the session rests retired (without a loop, pending inputs end `retired`). */
  retire(sessionId: string, options?: OperationOptions): Promise<void>;
  /** Abandons what is left queued in a retired session and settles its waiters; returns how many. */
  abandonRetiredPendingInputs(
    sessionId: string,
    reason?: string,
    options?: OperationOptions,
  ): Promise<number>;
  /** Clears the runtime binding (a new runtime instance next time); pending inputs end `recycled`. Not while running. */
  recycle(sessionId: string, options?: OperationOptions): Promise<void>;
  /** Back to idle (or attached); pending inputs end `reset`. Not while running or stopped. */
  reset(sessionId: string, options?: OperationOptions): Promise<void>;
  /** Stops the executor: the current turn finishes, the loop exits, pending inputs end `stopped`; resolves when done. */
  stop(sessionId: string, reason?: string, options?: OperationOptions): Promise<void>;
  /** Terminal: every live input ends `destroyed`, waiters settle, and the durable record refuses any new registration. */
  destroy(sessionId: string, options?: OperationOptions): Promise<void>;
  /** The two-phase unregister drain (03): never strands a waiter, never loses a committed result, never wedges. */
  unregisterSession(sessionId: string, options?: OperationOptions): Promise<void>;
  /** Unregisters only the incarnation `epochId` (undoing a failed preparation without hitting a newer one). */
  unregisterSessionIfEpoch(
    sessionId: string,
    epochId: string,
    options?: OperationOptions,
  ): Promise<boolean>;
  /** True when the session is registered in this runtime: in memory, or known to the store and activated here by this call; false when unknown or owned by another live host. */
  containsSession(sessionId: string): Promise<boolean>;
  /**
   * Where the session lives: `here` (registered in this runtime, activated by this call if only the
   * store knew it), `elsewhere` (another live host owns it; nothing is claimed), or `unknown`.
   */
  locateSession(sessionId: string): Promise<'here' | 'elsewhere' | 'unknown'>;
  /** True when the session has a live runtime loop; `session_not_found` (never a silent false) for an unknown one. */
  sessionHasExecutor(sessionId: string): Promise<boolean>;
  /** True when the session's comms drain is running. */
  sessionHasComms(sessionId: string): Promise<boolean>;
  /** Wakes the loop when work is queued; true if woken (`not_ready` without a loop). */
  wakeRuntimeIfActiveInputs(sessionId: string): Promise<boolean>;
  /** Drops a finished storeless session (retired or stopped, nothing queued) through the drain; false if it does not qualify. */
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
  /** The public view of a session (05). */
  snapshot(sessionId: string): Promise<SessionSnapshot>;
  /** One input's state, decision, attempts and outcome; read from the store once it is no longer in memory. */
  getInput(sessionId: string, inputId: string): Promise<InputRecord | null>;
  /** The committed transcript, oldest first. */
  getTranscript(
    sessionId: string,
    range?: { readonly offset?: number; readonly limit?: number },
  ): Promise<TranscriptMessage[]>;
  /** Registered sessions by id, paginated, with phase and queue sizes: every session the store knows (inactive ones as stored, without activating them), or those in memory without a store. */
  listSessions(range?: {
    readonly offset?: number;
    readonly limit?: number;
  }): Promise<SessionSummary[]>;
  /** One page of the sessions that match `query` (phase, id search, sort) and how many match. */
  querySessions(query?: SessionQuery): Promise<SessionPage>;
  /** The inputs held in memory (live and retained terminal ones), newest first, paginated. */
  listInputs(
    sessionId: string,
    range?: { readonly offset?: number; readonly limit?: number },
  ): Promise<InputPage>;
  /**
   * The session's events with `seq > since` (replayed, then live), until `signal` aborts or the session
   * ends. Each subscriber has a bounded buffer (`maxBufferedEvents`, default 1,000; `maxBufferedBytes`,
   * default 1 MiB): one that falls behind is ended with a `queue_full` error and resumes from its cursor.
   */
  events(sessionId: string, options?: EventStreamOptions): AsyncIterable<RuntimeEvent>;
  /** Subscribes to every session's events (dashboards, metrics); returns the unsubscribe function. */
  onEvent(listener: (event: RuntimeEvent) => void): () => void;
  /** Recovers every session with work from the store (unless a live owner holds it) and attaches executors from the factory; the runtime is not ready meanwhile. */
  recover(options?: RecoverOptions): Promise<RecoverReport>;
  /** Ready to serve: not shutting down, no startup recovery running, and the store answers its probe. */
  readiness(): Promise<Readiness>;
  /** Graceful shutdown; aborting `signal` escalates to hard cancel. Idempotent, safe under concurrent calls. */
  close(options?: OperationOptions): Promise<void>;
  /** Applies retention now (it also runs periodically): retained terminal inputs in memory, then the store. */
  prune(): Promise<RetentionReport>;
  /** Internal health: invariant checks per session, live loops, held gates (leak checks, readiness). */
  diagnostics(): RuntimeDiagnostics;
}
