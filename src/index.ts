// The public API of `burrow` (memory mode needs nothing else). Optional pieces live on subpaths:
// `burrow/sqlite`, `burrow/postgres`, `burrow/ai-sdk`, `burrow/ai-sdk/openai-compatible`, `burrow/server`, `burrow/client`,
// `burrow/testing`.

export { BurrowError, ERROR_CODES, isBurrowError, toError } from './core/errors.js';
export type { ErrorCode, ErrorDetails } from './core/errors.js';
export type { JsonObject, JsonValue } from './core/json.js';
export { INPUT_KINDS, WHEN_BUSY, inputSubmissionSchema } from './core/input-kinds.js';
export type {
  Content,
  ContentBlock,
  InputKind,
  InputSubmission,
  WhenBusy,
} from './core/input-kinds.js';
export { ParsedSubmission, parseSubmission } from './core/input-submission.js';
export type { SubmissionParse, SubmittedHeader } from './core/input-submission.js';
export type {
  AbandonReason,
  ErrorInfo,
  InputOutcome,
  InputRecord,
  InputState,
  InputStatus,
} from './core/ledger/input-record.js';
export { KIND_DEFAULTS, WHEN_BUSY_POLICY, resolveAdmission } from './core/admission/admission.js';
export type { AdmissionDecision } from './core/admission/admission.js';
export { RUNTIME_EVENT_TYPES } from './core/runtime-event.js';
export type {
  RuntimeEvent,
  RuntimeEventData,
  RuntimeEventType,
  ToolCallRecord,
} from './core/runtime-event.js';
export {
  APPROVAL_DECISIONS,
  approvalDecisionSchema,
  approvalKey,
  SYSTEM_DENIAL_REASONS,
} from './core/approvals.js';
export type {
  ApprovalDecisionKind,
  ApprovalDecisionSubmission,
  PendingApproval,
} from './core/approvals.js';
export { initialState, PHASES } from './core/machine/state.js';
export type { MachineState, Phase } from './core/machine/state.js';
export type { MachineInput } from './core/machine/inputs.js';
export type { MachineEffect } from './core/machine/effects.js';
export { step, stepAll, TRANSITIONS } from './core/machine/session-machine.js';
export type { Rejection, StepResult } from './core/machine/session-machine.js';
export { checkInvariants, recoverFromState } from './core/machine/invariants.js';
export {
  classifyCompletion,
  durablePhase,
  queueAdmission,
  visiblePhase,
} from './core/machine/classifiers.js';
export { admissionContract, machineContract } from './core/contract.js';
export { checkModel } from './core/model/checker.js';
export type { ModelCheckReport } from './core/model/checker.js';
export type { ToolEntry, ToolFilter, VisibilitySide } from './core/tool-visibility.js';

export { createRuntime } from './runtime/runtime.js';
export type { Runtime } from './runtime/runtime-api.js';
export type {
  AcceptOptions,
  AcceptResult,
  InterruptHandle,
  LlmReconfigureHost,
  OperationOptions,
  Readiness,
  RecoverOptions,
  RecoverReport,
} from './runtime/operation-types.js';
export type {
  SessionSnapshot,
  SessionSummary,
  TranscriptMessage,
} from './runtime/runtime-views.js';
export type {
  RetainedInputLimits,
  RuntimeLogger,
  RuntimeOptions,
} from './runtime/runtime-context.js';
export { DEFAULT_RETAINED_INPUTS } from './runtime/create-context.js';
export type {
  OwnershipDiagnostics,
  RuntimeDiagnostics,
  SessionDiagnostics,
} from './runtime/diagnostics.js';
export type { EventStreamOptions } from './runtime/events/stream.js';
export { DEFAULT_SUBSCRIBER_LIMITS } from './runtime/events/subscriber.js';
export type { SubscriberLimits, SubscriberStatistics } from './runtime/events/subscriber.js';
export { DEFAULT_RETENTION } from './runtime/retention.js';
export type { Retention, RetentionReport, RetentionRule } from './runtime/retention.js';
export { ExecutorError, isExecutorError } from './runtime/executor-error.js';
export { TOOL_CALL_OUTCOMES } from './runtime/executor.js';
export type {
  ApprovalRequest,
  BoundaryDirective,
  Executor,
  ExecutorFactory,
  RunContext,
  RunPrimitive,
  RunProgress,
  RunResult,
  RunUsage,
  StagedInput,
  ToolCallOutcome,
  ToolCallOutcomeKind,
  TurnMetadata,
} from './runtime/executor.js';
export { BackgroundOps } from './runtime/background/registry.js';
export type {
  BackgroundOpsOptions,
  FinishReport,
  OpOutcome,
} from './runtime/background/contract.js';
export { OP_KINDS } from './core/background/kinds.js';
export type { OpKind } from './core/background/kinds.js';
export type { Operation } from './core/background/state.js';
export { systemClock } from './runtime/clock.js';
export type { Clock } from './runtime/clock.js';

export { memoryStore } from './store/memory/memory-store.js';
export { runtimeIdOf, sessionIdOf } from './store/runtime-store.js';
export type {
  CommitBatch,
  PrunePolicy,
  PruneReport,
  RecoverableLease,
  RuntimeId,
  RuntimeStore,
  StoredSession,
  StoredSessionSummary,
} from './store/runtime-store.js';
export type {
  MailboxMethods,
  MailboxRequest,
  MailboxRequestState,
  StoreWakeup,
  WakeupSubscription,
} from './store/mailbox-types.js';
export type {
  LifecycleRecord,
  OperationRecord,
  OpsCursorRecord,
  RunReceipt,
  TranscriptEntry,
} from './store/records.js';

export { echoExecutor } from './executors/echo-executor.js';
export { scriptedExecutor } from './executors/scripted-executor.js';
export type {
  ScriptedExecutor,
  ScriptedRunRecord,
  ScriptedTurn,
} from './executors/scripted-executor.js';
