// The JSON-value check every codec uses: plain objects, arrays, finite numbers, strings, booleans, null.

import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../core/json.js';
import { withFastCheck } from './compiled-check.js';
import { memoOfLastTwo } from './recent-memo.js';

/** Where a value stops being JSON, and why. */
interface JsonProblem {
  readonly path: PropertyKey[];
  readonly message: string;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first place where `value` is not a JSON value, or null. Stricter than `JSON.stringify`, which
 * silently drops `undefined`, turns `NaN` into `null` and a `Date` into a string: any of those would
 * change the record between encode and decode, so they are refused instead.
 */
export function findJsonProblem(value: unknown): JsonProblem | null {
  // One path stack shared by the walk, copied only when a problem is found: every stored record is
  // checked on write, so the walk allocates nothing per node on the common (valid) path.
  const ancestors = new Set<object>();
  const path: PropertyKey[] = [];
  const problem = (message: string): JsonProblem => ({ path: [...path], message });
  const visit = (node: unknown): JsonProblem | null => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return null;
    if (typeof node === 'number') {
      return Number.isFinite(node) ? null : problem(`not a finite number (${String(node)})`);
    }
    if (typeof node !== 'object') return problem(`not a JSON value (${typeof node})`);
    if (ancestors.has(node)) return problem('circular reference');
    const array = Array.isArray(node);
    if (!array && !isPlainObject(node)) {
      return problem('not a plain object (a class instance, such as a Date or a Map)');
    }
    ancestors.add(node);
    try {
      if (array) {
        for (let i = 0; i < node.length; i += 1) {
          path.push(i);
          const found = visit(node[i]);
          path.pop();
          if (found !== null) return found;
        }
        return null;
      }
      for (const key of Object.keys(node)) {
        path.push(key);
        const found = visit((node as Record<string, unknown>)[key]);
        path.pop();
        if (found !== null) return found;
      }
      return null;
    } finally {
      ancestors.delete(node);
    }
  };
  return visit(value);
}

// Deeper values are left to findJsonProblem, which also finds cycles: the quick walk below has no
// ancestor set, so a cycle ends it at this depth instead (and the slow walk then names it).
const QUICK_DEPTH = 64;

/**
 * True when `value` is certainly a JSON value: what {@link findJsonProblem} accepts, without its
 * path stack and ancestor set (every record is checked on write; almost all of them are fine).
 * False also for values nested deeper than {@link QUICK_DEPTH}, which the slow walk then judges.
 */
function isQuickJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= QUICK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (!isQuickJson(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  const record = value as Readonly<Record<string, unknown>>;
  for (const key in record) if (!isQuickJson(record[key], depth + 1)) return false;
  return true;
}

function isJsonValue(value: unknown): boolean {
  return isQuickJson(value, 0) || findJsonProblem(value) === null;
}

/** A zod schema for {@link JsonValue} that reports the path of the first non-JSON part. */
export const jsonValueSchema = withFastCheck(
  z.custom<JsonValue>().superRefine((value, ctx) => {
    const problem = findJsonProblem(value);
    if (problem !== null)
      ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }),
  isJsonValue,
);

/** True when `value` is a JSON object (what {@link jsonObjectSchema} accepts). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isJsonValue(value);
}

/** A zod schema for a JSON object (a plain object whose values are JSON). */
export const jsonObjectSchema = withFastCheck(
  z.custom<JsonObject>().superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
      return;
    }
    const problem = findJsonProblem(value);
    if (problem !== null)
      ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }),
  isJsonObject,
);

/**
 * Milliseconds since the epoch of `text` (NaN when it does not parse). Remembered for the last two
 * texts, so a commit's timestamps are parsed once each for their check and their column.
 */
export const timestampMs: (text: string) => number = memoOfLastTwo(Date.parse);

/** An ISO-8601 timestamp as the runtime writes it (`Date.prototype.toISOString`): must parse. */
export const timestampSchema = withFastCheck(
  z
    .string()
    .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not a parseable timestamp' }),
  (value) => typeof value === 'string' && !Number.isNaN(timestampMs(value)),
);
