// The client's names for the API's shapes: the types openapi-typescript generated from the OpenAPI
// document (src/client/openapi-types.ts), so the client cannot drift from what the server documents.

import type { components, operations } from './openapi-types.js';

type Schemas = components['schemas'];

/** A session's snapshot (`GET /v1/sessions/{id}`). */
export type SessionSnapshot = Schemas['SessionSnapshot'];
/** One line of the session list. */
export type SessionSummary = Schemas['SessionSummary'];
/** One page of the session list, with the total that match. */
export type SessionPage = Schemas['SessionPage'];
/** An input submission: one of the input kinds with the optional header fields. */
export type InputSubmission = Schemas['SubmitInputBody'];
/** The answer to a submission. */
export type AcceptedInput = Schemas['AcceptedInput'];
/** An input's record: header, payload, decision, state, attempts, outcome. */
export type InputRecord = Schemas['InputRecord'];
/** How an input ended. */
export type InputOutcome = Schemas['InputOutcome'];
/** One page of a session's inputs, newest first. */
export type InputPage = Schemas['InputPage'];
/** One page of the committed transcript, oldest first. */
export type HistoryPage = Schemas['HistoryPage'];
/** The answer to an interrupt: whether a turn was running, and which. */
export type InterruptResult = Schemas['InterruptResult'];
/** A tool call waiting for a person's decision (`GET /v1/sessions/{id}/approvals`). */
export type PendingApproval = Schemas['PendingApproval'];
/** A decision on a pending approval: approve or deny, the reason, the hash of the call reviewed. */
export type ApprovalDecision = Schemas['DecideApprovalBody'];
/** An `application/problem+json` body: the error code and its structured details. */
export type Problem = Schemas['Problem'];
/** The filters and order of `GET /v1/sessions`. */
export type SessionQuery = NonNullable<operations['listSessions']['parameters']['query']>;
/** The phase of a session. */
export type Phase = SessionSnapshot['phase'];
