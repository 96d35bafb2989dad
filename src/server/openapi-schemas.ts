// Hand-written JSON Schemas of the response bodies, for the OpenAPI document (request bodies are
// generated from their zod schemas).

import { PHASES } from '../core/machine-state.js';
import { SERVER_PROBLEM_CODES } from './problem.js';
import { ERROR_CODES } from '../core/errors.js';

type Schema = Readonly<Record<string, unknown>>;

const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
});
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const int: Schema = { type: 'integer', minimum: 0 };
const str: Schema = { type: 'string' };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const phase: Schema = { type: 'string', enum: [...PHASES] };
const side = obj({
  revision: int,
  filter: { type: 'object' },
  deferred: { type: 'array', items: str },
});

/** Component schemas by name. */
export const RESPONSE_SCHEMAS: Readonly<Record<string, Schema>> = {
  Problem: {
    ...obj(
      {
        type: str,
        title: str,
        status: { type: 'integer' },
        code: { type: 'string', enum: [...ERROR_CODES, ...SERVER_PROBLEM_CODES] },
        detail: str,
        sessionId: str,
        inputId: str,
        phase: str,
        guard: str,
        issues: { type: 'array', items: str },
        existingInputId: str,
        limit: { type: 'integer' },
      },
      ['type', 'title', 'status', 'code', 'detail'],
    ),
    description: 'RFC 9457 problem details with the Burrow error code and its structured details.',
  },
  SessionSnapshot: obj({
    sessionId: str,
    phase,
    registration: str,
    run: nullable(obj({ runId: str, status: str, boundaryCount: int })),
    queues: obj({ queue: int, steer: int }),
    inputs: { type: 'object', additionalProperties: int },
    binding: {},
    epochId: str,
    visibility: obj({ activeRevision: int, stagedRevision: int }),
    hasExecutor: { type: 'boolean' },
    hasComms: { type: 'boolean' },
    stopDeferred: { type: 'boolean' },
    transcriptLength: int,
    silentIntents: { type: 'array', items: str },
  }),
  SessionSummary: obj({
    sessionId: str,
    phase,
    queue: int,
    steer: int,
    running: { type: 'boolean' },
  }),
  SessionPage: obj({
    sessions: { type: 'array', items: ref('SessionSummary') },
    offset: int,
    limit: int,
    nextOffset: nullable(int),
  }),
  AcceptedInput: obj({
    inputId: str,
    status: { type: 'string', enum: ['accepted', 'deduplicated'] },
    decision: { type: 'object', description: 'The admission decision (see GET /v1/machine).' },
    outcome: nullable({ type: 'object', description: 'The input outcome (02), once terminal.' }),
  }),
  InputRecord: obj({
    recordVersion: { type: 'integer' },
    header: { type: 'object' },
    payload: { type: 'object' },
    decision: { type: 'object' },
    seq: int,
    state: obj({ status: str }, ['status']),
    attempts: int,
    outcome: nullable({ type: 'object' }),
    expiresAt: nullable(str),
    updatedAt: str,
  }),
  HistoryPage: obj({
    messages: { type: 'array', items: obj({ index: int, runId: str, message: {} }) },
    offset: int,
    limit: int,
    nextOffset: nullable(int),
  }),
  SilentIntents: obj({ intents: { type: 'array', items: str } }),
  VisibilityRevision: obj({ revision: int }),
  VisibilitySides: obj({ active: side, staged: side }),
  Contracts: obj({ machine: { type: 'object' }, admission: { type: 'object' } }),
  OpenApiDocument: { type: 'object' },
  Status: obj({ status: str }),
};
