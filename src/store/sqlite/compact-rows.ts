// The SQLite store's compact row bodies: a JSON array of field values (positional.ts) without the
// parts the row's columns imply. A record that does not fit (a session id that is not its runtime
// id's, an event id not of the form `<epoch>.<seq>`, a timestamp not in `toISOString` form) is
// stored as its codec's JSON object instead, as every row was before; the first character tells
// the two forms apart, so rows written before the compact form read as they always did.

import { BurrowError } from '../../core/errors.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import type { DurableEvent, DurableEventType } from '../../core/runtime-event.js';
import type { Codec } from '../codecs/record-codec.js';
import type { BodyForms } from '../encoded-batch.js';
import { eventCodec } from '../codecs/event-codec.js';
import { inputCodec, receiptCodec } from '../codecs/record-codecs.js';
import type { RunReceipt } from '../records.js';
import type { RuntimeId } from '../runtime-store.js';
import { runtimeIdOf, sessionIdOf } from '../runtime-store.js';
import { EVENT_FIELDS, INPUT_FIELDS, RECEIPT_FIELDS } from './compact-fields.js';
import { canonicalTimeMs } from './field-forms.js';
import type { Positional } from './positional.js';
import { compileFields } from './positional.js';

// Each record kind's field list compiled once (an event's per type, with its stored code).
const INPUT = compileFields(INPUT_FIELDS);
const RECEIPT = compileFields(RECEIPT_FIELDS);
interface EventForm {
  readonly type: DurableEventType;
  readonly code: number;
  readonly fields: Positional;
}
const EVENT_FORMS: readonly EventForm[] = Object.entries(EVENT_FIELDS).map(
  ([type, { code, fields }]) => ({
    type: type as DurableEventType,
    code,
    fields: compileFields(fields),
  }),
);
const EVENTS = new Map<string, EventForm>(EVENT_FORMS.map((form) => [form.type, form]));
const EVENTS_BY_CODE = new Map<unknown, EventForm>(EVENT_FORMS.map((form) => [form.code, form]));

/** The JSON array of `record`'s values packed by `fields` after `lead`, or null when it does not fit. */
function packed(fields: Positional, record: object, lead: unknown[] = []): string | null {
  return fields.packInto(record, lead) ? JSON.stringify(lead) : null;
}

function isLegacy(body: string): boolean {
  return body.startsWith('{');
}

function corrupt(
  codec: Codec<unknown>,
  where: string,
  problem: string,
  cause?: unknown,
): BurrowError {
  return new BurrowError(
    'internal',
    `corrupt ${codec.record} (${where}): ${problem}`,
    {},
    { cause },
  );
}

/** The stored array of a compact body, with its first `lead` values split off. */
function parseCompact(codec: Codec<unknown>, body: string, where: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e: unknown) {
    throw corrupt(codec, where, 'not JSON', e);
  }
  if (!Array.isArray(value)) throw corrupt(codec, where, 'not a stored record');
  return value;
}

function unpack(codec: Codec<unknown>, values: unknown, fields: Positional, where: string): object {
  try {
    return fields.unpack(values, codec.record);
  } catch (e: unknown) {
    throw corrupt(codec, where, e instanceof Error ? e.message : String(e), e);
  }
}

/** The compact body of `input` in the row of `runtimeId`, or null when it must be stored whole. */
export function packInput(runtimeId: RuntimeId, input: InputRecord): string | null {
  if (runtimeIdOf(input.header.sessionId) !== runtimeId) return null;
  return packed(INPUT, input);
}

/** The input stored as `body` in the row (`runtimeId`, `inputId`, `seq`). */
export function unpackInput(
  runtimeId: RuntimeId,
  inputId: string,
  seq: number,
  body: string,
): InputRecord {
  const where = `${runtimeId} ${inputId}`;
  if (isLegacy(body)) return inputCodec.decode(body, where);
  const codec = inputCodec as Codec<unknown>;
  const record = unpack(codec, parseCompact(codec, body, where), INPUT, where) as {
    header?: object;
  };
  const header = { inputId, sessionId: sessionIdOf(runtimeId), ...record.header };
  return inputCodec.fromJson({ ...record, header, seq }, where);
}

/** The compact body of `receipt` (its row holds the run id and seq). */
export function packReceipt(receipt: RunReceipt): string | null {
  return packed(RECEIPT, receipt);
}

/** The receipt stored as `body` in the row (`runtimeId`, `runId`, `seq`). */
export function unpackReceipt(
  runtimeId: RuntimeId,
  runId: string,
  seq: number,
  body: string,
): RunReceipt {
  const where = `${runtimeId} ${runId}`;
  if (isLegacy(body)) return receiptCodec.decode(body, where);
  const codec = receiptCodec as Codec<unknown>;
  const record = unpack(codec, parseCompact(codec, body, where), RECEIPT, where);
  return receiptCodec.fromJson({ runId, seq, ...record }, where);
}

/** A compact event body and the epoch its id names. */
export interface PackedEvent {
  readonly epoch: string;
  readonly body: string;
}

/** The compact body of `event` in the rows of `runtimeId` (seq and time are columns), or null. */
export function packEvent(runtimeId: RuntimeId, event: DurableEvent): PackedEvent | null {
  const dot = event.id.lastIndexOf('.');
  if (dot <= 0 || event.id.slice(dot + 1) !== String(event.seq)) return null;
  if (runtimeIdOf(event.sessionId) !== runtimeId) return null;
  if (canonicalTimeMs(event.at) === null) return null;
  const spec = EVENTS.get(event.type);
  const body = spec === undefined ? null : packed(spec.fields, event.data, [spec.code]);
  return body === null ? null : { epoch: event.id.slice(0, dot), body };
}

/**
 * The event stored as `body` in the row (`runtimeId`, `seq`, `atMs`); `epochOf` gives the epoch of
 * its id (the stream segment it belongs to).
 */
export function unpackEvent(
  runtimeId: RuntimeId,
  seq: number,
  atMs: number,
  body: string,
  epochOf: (seq: number) => string | null,
): DurableEvent {
  const where = `${runtimeId} ${seq}`;
  if (isLegacy(body)) return eventCodec.decode(body, where);
  const codec = eventCodec as Codec<unknown>;
  const [code, ...values] = parseCompact(codec, body, where);
  const form = EVENTS_BY_CODE.get(code);
  if (form === undefined) throw corrupt(codec, where, `unknown event type code ${String(code)}`);
  const epoch = epochOf(seq);
  if (epoch === null) throw corrupt(codec, where, 'no stream epoch covers its seq');
  return eventCodec.fromJson(
    {
      seq,
      id: `${epoch}.${seq}`,
      at: new Date(atMs).toISOString(),
      sessionId: sessionIdOf(runtimeId),
      type: form.type,
      data: unpack(codec, values, form.fields, where),
    },
    where,
  );
}

/** The SQLite store's body forms (see {@link BodyForms}). */
export const COMPACT_FORMS: BodyForms = {
  input: packInput,
  receipt: packReceipt,
  event: packEvent,
};
