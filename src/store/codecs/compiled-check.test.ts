// The compiled predicates never accept what zod refuses: every record kind on the write path, and
// thousands of malformed variants of each (a field removed, retyped, emptied, an extra key, a hole).

import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../core/json.js';
import type { DurableEvent } from '../../core/runtime-event.js';
import {
  boundLifecycle,
  events,
  input,
  lifecycle,
  operation,
  receipt,
} from '../conformance/fixtures.js';
import { compileCheck } from './compiled-check.js';
import type { FastCheck } from './compiled-check.js';
import { eventCheck, eventCodec, eventSchema } from './event-codec.js';
import {
  inputCodec,
  inputRecordSchema,
  lifecycleSchema,
  operationCodec,
  receiptSchema,
} from './record-codecs.js';

const ODD_VALUES: readonly unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'x',
  'queued',
  '2025-13-45',
  true,
  [],
  [undefined],
  {},
  new Date(0),
  new Map(),
];

type Path = readonly (string | number)[];

/** The paths of every node of a JSON `value` (the root first). */
function pathsOf(value: unknown, path: Path = []): Path[] {
  const found: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...pathsOf(item, [...path, i])));
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) found.push(...pathsOf(item, [...path, key]));
  return found;
}

/** A copy of `value` with the node at `path` changed by `change` (given its parent and key). */
function edited(
  value: unknown,
  path: Path,
  change: (parent: object, key: string | number) => void,
): unknown {
  const copy: unknown = structuredClone(value);
  const key = path[path.length - 1];
  if (key === undefined) return copy;
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  change(parent as object, key);
  return copy;
}

/** The node of `value` at `path`. */
function nodeAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, step) => (node as Record<string | number, unknown>)[step],
    value,
  );
}

/** Malformed (and some harmless) variants of `value`. */
function variants(value: unknown): unknown[] {
  const out: unknown[] = [...ODD_VALUES];
  const set = (next: unknown) => (p: object, k: string | number) => Reflect.set(p, k, next);
  for (const path of pathsOf(value)) {
    const node = nodeAt(value, path);
    if (typeof node === 'object' && node !== null && !Array.isArray(node))
      out.push(edited(value, [...path, 'extra'], set('x')));
    if (path.length === 0) continue;
    for (const odd of ODD_VALUES) out.push(edited(value, path, set(odd)));
    out.push(edited(value, path, (p, k) => Reflect.deleteProperty(p, k)));
    out.push(edited(value, path, set(new Array<unknown>(2))));
  }
  return out;
}

function expectSound(check: FastCheck, schema: z.core.$ZodType, valid: readonly unknown[]): void {
  let refused = 0;
  for (const record of valid) {
    expect(z.safeParse(schema, record).success).toBe(true);
    // The fast path is taken for the records the runtime writes.
    expect(check(record)).toBe(true);
    for (const variant of variants(record)) {
      const zodAccepts = z.safeParse(schema, variant).success;
      if (check(variant) && !zodAccepts)
        expect.fail(`accepted: ${String(JSON.stringify(variant))}`);
      if (!zodAccepts) refused += 1;
    }
  }
  expect(refused).toBeGreaterThan(valid.length * 20);
}

const sessionEvents: DurableEvent[] = [
  ...events('s1', 1, 4),
  {
    seq: 9,
    id: 'e.9',
    at: '2025-01-01T00:00:00.000Z',
    sessionId: 's1',
    type: 'run.started',
    data: { runId: 'r', inputIds: ['a', 'b'], attempt: 1 },
  },
  {
    seq: 10,
    id: 'e.10',
    at: '2025-01-01T00:00:00.000Z',
    sessionId: 's1',
    type: 'session.phase_changed',
    data: { from: 'idle', to: 'running' },
  },
  {
    seq: 11,
    id: 'e.11',
    at: '2025-01-01T00:00:00.000Z',
    sessionId: 's1',
    type: 'input.accepted',
    data: { inputId: 'a', kind: 'prompt', decision: input('s1', 'a', 1).decision },
  },
  {
    seq: 12,
    id: 'e.12',
    at: '2025-01-01T00:00:00.000Z',
    sessionId: 's1',
    type: 'run.completed',
    data: {
      runId: 'r',
      resultClass: 'text',
      usage: { inputTokens: 3 },
      toolCalls: [{ toolCallId: 't', toolName: 'n', outcome: 'completed' }],
    },
  },
  {
    seq: 13,
    id: 'e.13',
    at: '2025-01-01T00:00:00.000Z',
    sessionId: 's1',
    type: 'input.abandoned',
    data: {
      inputId: 'a',
      reason: 'expired',
      outcome: { status: 'abandoned', reason: 'expired', error: { code: 'c', message: 'm' } },
    },
  },
];

describe('compiled checks', () => {
  it('accept no input record zod refuses', () => {
    expectSound(compileCheck(inputRecordSchema), inputRecordSchema, [
      input('s1', 'a', 1),
      input(
        's1',
        'b',
        2,
        { status: 'consumed', runId: 'r' },
        { idempotencyKey: 'k', content: [1, { x: null }] },
      ),
      input(
        's1',
        'c',
        3,
        { status: 'staged', runId: 'r' },
        { expiresAt: '2025-01-02T00:00:00.000Z' },
      ),
    ]);
  });

  it('accept no receipt, lifecycle or event zod refuses', () => {
    expectSound(compileCheck(receiptSchema), receiptSchema, [receipt('r', 1, ['a', 'b'])]);
    expectSound(compileCheck(lifecycleSchema), lifecycleSchema, [
      lifecycle('s1'),
      boundLifecycle('s1'),
    ]);
    expectSound(eventCheck, eventSchema, sessionEvents);
  });

  it('leave a malformed record to zod, which refuses it as before', () => {
    const bad = { ...input('s1', 'a', 1), attempts: -1 };
    expect(() => inputCodec.validate(bad)).toThrow(/cannot encode input record: attempts/);
    const cycle: Record<string, unknown> = { a: [1] };
    cycle['self'] = cycle;
    const looped = input('s1', 'a', 1, { status: 'queued' }, { content: cycle as JsonValue });
    expect(() => inputCodec.validate(looped)).toThrow(/payload\.content\.self: circular reference/);
    let deep: JsonValue = 'leaf';
    for (let i = 0; i < 200; i += 1) deep = [deep];
    expect(() =>
      inputCodec.validate(input('s1', 'a', 1, { status: 'queued' }, { content: deep })),
    ).not.toThrow();
    const event = sessionEvents[4];
    const wrong = { ...event, data: { runId: 'r', inputIds: ['a', 3], attempt: 1 } };
    expect(() => eventCodec.validate(wrong as DurableEvent)).toThrow(/data\.inputIds\.1/);
    // A refinement the compiler cannot read (a terminal operation needs finishedAt) still holds.
    const op = { ...operation('op1'), terminal: true };
    expect(() => operationCodec.validate(op)).toThrow(/finishedAt/);
  });
});
