// Compile-time proof that the OpenAPI document describes what the runtime really answers: each type
// openapi-typescript generated from the document equals the runtime's own type (read-only modifiers
// aside). A field added, removed or retyped on either side fails `tsc`.

import type { AdmissionDecision } from '../../src/core/admission/admission.js';
import type { InputHeader, InputKind } from '../../src/core/input-kinds.js';
import type { InputOutcome, InputRecord, InputState } from '../../src/core/ledger/input-record.js';
import type { JsonValue } from '../../src/core/json.js';
import type { VisibilitySide } from '../../src/core/tool-visibility.js';
import type {
  SessionSnapshot,
  SessionSummary,
  TranscriptMessage,
} from '../../src/runtime/runtime-views.js';
import type { ProblemBody } from '../../src/server/problem.js';
import type { components } from '../../src/client/openapi-types.js';

type Schemas = components['schemas'];

/** True when `A` and `B` are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `T` as the document states it: without read-only modifiers, deeply (the generated types are
 * mutable), and with any JSON value as `unknown` (the document's non-recursive `JsonValue`).
 */
type Mutable<T> =
  Same<T, JsonValue> extends true
    ? unknown
    : T extends readonly (infer U)[]
      ? Mutable<U>[]
      : T extends object
        ? { -readonly [K in keyof T]: Mutable<T[K]> }
        : T;

/** Compiles only when its argument is `true`. */
function same<T extends true>(_proof?: T): void {}

same<Same<Schemas['AdmissionDecision'], Mutable<AdmissionDecision>>>();
same<Same<Schemas['InputHeader'], Mutable<InputHeader>>>();
same<Same<Schemas['InputState'], Mutable<InputState>>>();
same<Same<Schemas['InputOutcome'], Mutable<InputOutcome>>>();
same<Same<Omit<Schemas['InputRecord'], 'payload'>, Mutable<Omit<InputRecord, 'payload'>>>>();
same<Same<Schemas['SessionSnapshot'], Mutable<SessionSnapshot>>>();
same<Same<Schemas['SessionSummary'], Mutable<SessionSummary>>>();
same<Same<Schemas['HistoryPage']['messages'][number], Mutable<TranscriptMessage>>>();
same<Same<Schemas['VisibilitySides']['active'], Mutable<VisibilitySide>>>();
same<Same<Schemas['Problem'], Mutable<ProblemBody>>>();
// The payload is exact per kind; the runtime's own type only pins `kind` (any JSON besides).
same<Same<Schemas['InputPayload']['kind'], InputKind>>();
