// Hand-written JSON Schemas of the response bodies, for the OpenAPI document (request bodies are
// generated from their zod schemas). Exact: every object lists all its members and no others, every
// enumeration is the runtime's own list; test/client checks the generated types against the runtime's.

import { ERROR_CODES } from '../core/errors.js';
import { PHASES, REGISTRATIONS, TURN_STATUSES } from '../core/machine/state.js';
import { INPUT_SCHEMAS, INPUT_STATUSES } from './openapi-input-schemas.js';
import { SERVER_PROBLEM_CODES } from './problem.js';
import type { Schema } from './schema-builders.js';
import {
  anyObject,
  arr,
  bool,
  constant,
  int,
  JSON_VALUE,
  nullable,
  obj,
  oneOfStrings,
  ref,
  str,
} from './schema-builders.js';

const filter: Schema = {
  oneOf: [
    obj({ type: constant('all') }),
    obj({ type: constant('allow'), names: arr(str) }),
    obj({ type: constant('deny'), names: arr(str) }),
  ],
};
const side = obj({ revision: int, filter, deferred: arr(str) });
const page = (items: string, schema: Schema): Schema =>
  obj({ [items]: arr(schema), total: int, offset: int, limit: int, nextOffset: nullable(int) });

/** Component schemas by name. */
export const RESPONSE_SCHEMAS: Readonly<Record<string, Schema>> = {
  JsonValue: {
    description:
      'Any JSON value: null, boolean, number, string, array or object (in request bodies, nested at most 64 levels).',
  },
  Problem: {
    ...obj(
      {
        type: str,
        title: str,
        status: { type: 'integer', minimum: 400, maximum: 599 },
        code: oneOfStrings([...ERROR_CODES, ...SERVER_PROBLEM_CODES]),
        detail: str,
        sessionId: str,
        inputId: str,
        phase: str,
        guard: str,
        issues: arr(str),
        existingInputId: str,
        limit: int,
        approvalId: str,
      },
      ['type', 'title', 'status', 'code', 'detail'],
    ),
    description: 'RFC 9457 problem details with the Burrow error code and its structured details.',
  },
  SessionSnapshot: obj({
    sessionId: str,
    phase: oneOfStrings(PHASES),
    registration: oneOfStrings(REGISTRATIONS),
    run: nullable(obj({ runId: str, status: oneOfStrings(TURN_STATUSES), boundaryCount: int })),
    queues: obj({ queue: int, steer: int }),
    inputs: obj(Object.fromEntries(INPUT_STATUSES.map((status) => [status, int]))),
    binding: obj({
      runtimeId: nullable(str),
      fenceToken: nullable(int),
      generation: nullable(int),
      epochId: nullable(str),
    }),
    epochId: str,
    visibility: obj({ activeRevision: int, stagedRevision: int }),
    hasExecutor: bool,
    hasComms: bool,
    stopDeferred: bool,
    transcriptLength: int,
    silentIntents: arr(str),
  }),
  SessionSummary: obj({
    sessionId: str,
    phase: oneOfStrings(PHASES),
    queue: int,
    steer: int,
    running: bool,
    owner: nullable(str),
  }),
  SessionPage: page('sessions', ref('SessionSummary')),
  ...INPUT_SCHEMAS,
  InputPage: page('inputs', ref('InputRecord')),
  HistoryPage: page('messages', obj({ index: int, runId: str, message: JSON_VALUE })),
  InterruptResult: {
    ...obj({ interrupted: bool, runId: nullable(str) }),
    description:
      'Whether a turn was running when the interrupt arrived (then cancelled), and its run id.',
  },
  SilentIntents: obj({ intents: arr(str) }),
  VisibilityRevision: obj({ revision: int }),
  VisibilitySides: obj({ active: side, staged: side }),
  Contracts: obj({
    machine: anyObject(
      'The session machine: phases, inputs, transition rows, guards, invariants, effects.',
    ),
    admission: anyObject('The admission policy: the whenBusy table and per-kind defaults.'),
  }),
  OpenApiDocument: anyObject('An OpenAPI 3.1 document.'),
  Status: obj({ status: oneOfStrings(['ok', 'ready']) }),
};
