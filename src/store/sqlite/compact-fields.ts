// The field lists of the SQLite store's compact rows (see positional.ts): part of the stored format.

import type { DurableEventType } from '../../core/runtime-event.js';
import type { FieldList, FieldSpec } from './positional.js';

// The stored indexes of enum values. Append only: a value's index is its stored form. A value
// missing here is stored as its text, so a new value in core needs no new entry to be stored.
const WHEN_BUSY = ['queue', 'merge', 'latest', 'steer', 'interrupt', 'reject'];
const PHASES = ['initializing', 'idle', 'attached', 'running', 'retired', 'stopped', 'destroyed'];

const id = (name: string): FieldSpec => ({ name, form: 'id' });
const ids = (name: string): FieldSpec => ({ name, form: 'ids' });
const time = (name: string): FieldSpec => ({ name, form: 'time' });
const phase = (name: string): FieldSpec => ({ name, form: PHASES });
const implied = (name: string): FieldSpec => ({ name, implied: true });

/** An admission decision, as stored inside an input and an `input.accepted` event. */
const DECISION: FieldList = [
  { name: 'whenBusy', form: WHEN_BUSY },
  { name: 'lane', form: ['queue', 'steer', 'none'] },
  { name: 'queueMode', form: ['fifo', 'merge', 'supersede', 'coalesce', 'priority'] },
  { name: 'wake', form: ['none', 'wake_if_idle', 'interrupt_yielding', 'immediate'] },
  { name: 'boundary', form: ['run_start', 'run_checkpoint'] },
  { name: 'executionKind', form: ['content_turn', 'resume_pending'] },
  { name: 'consumePoint', form: ['on_run_complete', 'on_accept'] },
  'policyVersion',
];

/**
 * Each durable event type's stored code and data fields. The codes are the stored form of the type:
 * a new type takes a new code, and a code is never reused.
 */
export const EVENT_FIELDS: {
  readonly [T in DurableEventType]: { readonly code: number; readonly fields: FieldList };
} = {
  'session.registered': { code: 1, fields: ['epochId', 'recovered'] },
  'session.unregistered': { code: 2, fields: ['retainSnapshot'] },
  'session.phase_changed': { code: 3, fields: [phase('from'), phase('to')] },
  'session.executor_attached': { code: 4, fields: [] },
  'session.executor_detached': { code: 5, fields: ['reason'] },
  'runtime.notice': { code: 6, fields: ['kind', 'message'] },
  'input.accepted': {
    code: 7,
    fields: [id('inputId'), 'kind', { name: 'decision', fields: DECISION }],
  },
  'input.queued': { code: 8, fields: [id('inputId'), 'attempt'] },
  'input.staged': { code: 9, fields: [id('inputId'), id('runId')] },
  'input.applied': { code: 10, fields: [id('inputId'), id('runId')] },
  'input.consumed': { code: 11, fields: [id('inputId'), id('runId')] },
  'input.superseded': { code: 12, fields: [id('inputId'), id('by')] },
  'input.coalesced': { code: 13, fields: [id('inputId'), id('into')] },
  'input.abandoned': { code: 14, fields: [id('inputId'), 'reason', 'outcome'] },
  'run.started': { code: 15, fields: [id('runId'), ids('inputIds'), 'attempt'] },
  'run.boundary': { code: 16, fields: [id('runId'), 'n', ids('injected')] },
  'run.completed': { code: 17, fields: [id('runId'), 'resultClass', 'usage?', 'toolCalls?'] },
  'run.failed': { code: 18, fields: [id('runId'), 'cause', 'retryable', 'message'] },
  'run.cancelled': { code: 19, fields: [id('runId'), 'reason', 'toolCalls?'] },
  'op.started': { code: 20, fields: ['operationId', 'kind'] },
  'op.updated': { code: 21, fields: ['operationId', 'status'] },
  'op.finished': { code: 22, fields: ['operationId', 'status', 'completionSeq'] },
  'visibility.changed': { code: 23, fields: ['revision'] },
  'approval.requested': {
    code: 24,
    fields: [
      id('approvalId'),
      id('runId'),
      'toolCallId',
      'toolName',
      'callHash',
      time('expiresAt'),
    ],
  },
  'approval.decided': {
    code: 25,
    fields: [id('approvalId'), 'decision', 'reason', 'origin', id('inputId')],
  },
};

/** An input record; its row implies `inputId` and `seq`, its runtime id the `sessionId`. */
export const INPUT_FIELDS: FieldList = [
  'recordVersion',
  {
    name: 'header',
    fields: [
      implied('inputId'),
      implied('sessionId'),
      time('createdAt'),
      { name: 'origin', form: ['operator', 'peer', 'external', 'system'] },
      { name: 'durability', form: ['durable', 'ephemeral'] },
      'idempotencyKey',
      { name: 'whenBusy', form: WHEN_BUSY },
      'supersedeKey',
      'metadata',
      'debounceMs',
      'ttlMs',
    ],
  },
  'payload',
  { name: 'decision', fields: DECISION },
  'state',
  'attempts',
  'outcome',
  time('expiresAt'),
  time('updatedAt'),
  implied('seq'),
];

/** A run receipt; its row implies `runId` and `seq`. */
export const RECEIPT_FIELDS: FieldList = [
  'recordVersion',
  implied('runId'),
  implied('seq'),
  'outcome',
  'resultClass',
  ids('inputIds'),
  'attempt',
  time('at'),
  'result',
];
