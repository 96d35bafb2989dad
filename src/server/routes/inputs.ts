// Input routes: submit (with `?wait=`), one input's state and outcome, and the committed history.

import { BurrowError } from '../../core/errors.js';
import { inputSubmissionSchema } from '../../core/input-kinds.js';
import type { ParsedSubmission } from '../../core/input-submission.js';
import { splitSubmission, submittedHeaderSchema } from '../../core/input-submission.js';
import { nextOffsetOf, PAGE_PARAMS, pageParams, pathId, waitParam } from '../params.js';
import { problemResponse } from '../problem.js';
import { acceptedAnswer } from '../accepted-answer.js';
import { readJsonBody } from '../read-body.js';
import type { RouteSpec, ServerDeps } from './route-spec.js';
import { json } from './route-spec.js';

/**
 * The submission with its `Idempotency-Key` header folded in: the header and the body field are two
 * spellings of one key (they must agree), parsed here into the one typed value the runtime admits.
 */
function withIdempotencyHeader(
  submission: ParsedSubmission,
  value: string | undefined,
): ParsedSubmission {
  if (value === undefined) return submission;
  const key = submittedHeaderSchema.shape.idempotencyKey.safeParse(value);
  if (!key.success || key.data === undefined) {
    throw new BurrowError('validation_failed', 'Idempotency-Key must be 1 to 500 characters', {
      issues: ['idempotency-key: 1 to 500 characters'],
    });
  }
  const bodyKey = submission.header.idempotencyKey;
  if (bodyKey !== undefined && bodyKey !== key.data) {
    throw new BurrowError(
      'validation_failed',
      'Idempotency-Key differs from the body idempotencyKey',
      {
        issues: ['idempotency-key: differs from idempotencyKey in the body'],
      },
    );
  }
  return submission.withHeader({ idempotencyKey: key.data });
}

/** The input routes. */
export function inputRoutes(deps: ServerDeps): RouteSpec[] {
  const { runtime } = deps;
  return [
    {
      method: 'POST',
      path: '/v1/sessions/:id/inputs',
      operationId: 'submitInput',
      summary:
        'Accept an input. Answers 202 at once; with ?wait= it waits for the outcome (200) up to the limit, then answers 202. A client that disconnects never cancels the input.',
      tag: 'inputs',
      auth: 'bearer',
      body: { schema: inputSubmissionSchema, optional: false },
      params: [
        {
          name: 'wait',
          in: 'query',
          type: 'string',
          description:
            'Wait for the outcome: 30s, 1500ms, 2m or bare milliseconds (clamped to the server maximum).',
        },
        {
          name: 'Idempotency-Key',
          in: 'header',
          type: 'string',
          description:
            'Same as the body field idempotencyKey (they must agree when both are given).',
        },
      ],
      success: [
        {
          status: 202,
          description: 'Accepted (or deduplicated); outcome pending.',
          schema: 'AcceptedInput',
        },
        {
          status: 200,
          description: 'Accepted and finished within ?wait=.',
          schema: 'AcceptedInput',
        },
      ],
      errors: [
        'not_ready',
        'destroyed',
        'session_busy',
        'idempotency_conflict',
        'queue_full',
        'fenced',
        'store_unavailable',
      ],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const wait = waitParam(c.req.query('wait'), deps.maxWaitMs);
        const body = await readJsonBody(c.req.raw, deps.maxBodyBytes, inputSubmissionSchema);
        const submission = withIdempotencyHeader(
          splitSubmission(body),
          c.req.header('idempotency-key'),
        );
        // No request signal here: once acknowledged, an input's fate is the runtime's, not the client's.
        const accepted = await runtime.acceptInput(id, submission);
        return acceptedAnswer(c, deps, id, accepted, wait);
      },
    },
    {
      method: 'GET',
      path: '/v1/sessions/:id/inputs',
      operationId: 'listInputs',
      summary:
        'The inputs the runtime holds for the session (live ones and recently finished ones), newest first, with their content, decision, state and outcome.',
      tag: 'inputs',
      auth: 'bearer',
      params: PAGE_PARAMS,
      success: [{ status: 200, description: 'One page of inputs.', schema: 'InputPage' }],
      errors: [],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const { offset, limit } = pageParams((name) => c.req.query(name));
        const { inputs, total } = await runtime.listInputs(id, { offset, limit });
        const nextOffset = nextOffsetOf(offset, inputs.length, total);
        return json({ inputs, total, offset, limit, nextOffset });
      },
    },
    {
      method: 'GET',
      path: '/v1/sessions/:id/inputs/:inputId',
      operationId: 'getInput',
      summary: "One input's state, decision, attempts and (once terminal) outcome.",
      tag: 'inputs',
      auth: 'bearer',
      success: [{ status: 200, description: 'The input record.', schema: 'InputRecord' }],
      errors: ['input_not_found', 'store_unavailable'],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const inputId = pathId(c.req.param('inputId'), 'input id');
        const record = await runtime.getInput(id, inputId);
        if (record === null) {
          return problemResponse('input_not_found', `session ${id} has no input ${inputId}`, {
            sessionId: id,
            inputId,
          });
        }
        return json(record);
      },
    },
    {
      method: 'GET',
      path: '/v1/sessions/:id/history',
      operationId: 'getHistory',
      summary: 'The committed transcript, oldest first.',
      tag: 'inputs',
      auth: 'bearer',
      params: PAGE_PARAMS,
      success: [{ status: 200, description: 'One page of messages.', schema: 'HistoryPage' }],
      errors: ['store_unavailable'],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const { offset, limit } = pageParams((name) => c.req.query(name));
        const messages = await runtime.getTranscript(id, { offset, limit });
        // Read after the page, so a message appended in between is counted rather than missed.
        const total = (await runtime.snapshot(id)).transcriptLength;
        const nextOffset = nextOffsetOf(offset, messages.length, total);
        return json({ messages, total, offset, limit, nextOffset });
      },
    },
  ];
}
