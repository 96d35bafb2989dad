// `burrow/client`: a typed HTTP and SSE client of `burrow serve` (fetch only; runs in Node.js and in
// browsers), typed by the OpenAPI document's generated types.

export { createBurrowClient } from './http-client.js';
export type {
  BurrowClient,
  CallOptions,
  ClientOptions,
  Page,
  PlainControl,
  SendOptions,
  SendResult,
} from './http-client.js';
export type { EventStreamOptions, StreamEndReason } from './event-stream.js';
export { BurrowApiError, BurrowUnreachableError } from './client-errors.js';
export { createSseParser } from './sse-parser.js';
export type { SseMessage } from './sse-parser.js';
export type {
  AcceptedInput,
  ApprovalDecision,
  HistoryPage,
  InputOutcome,
  InputPage,
  InputRecord,
  InputSubmission,
  InterruptResult,
  PendingApproval,
  Phase,
  Problem,
  SessionPage,
  SessionQuery,
  SessionSnapshot,
  SessionSummary,
} from './types.js';
export type { RuntimeEvent, RuntimeEventType } from '../core/runtime-event.js';
export type { components, operations, paths } from './openapi-types.js';
