// The codec shape shared by every stored record: validate, version-check, and (de)serialise as JSON.

import type { z } from 'zod';
import { BurrowError } from '../../core/errors.js';
import type { FastCheck } from './compiled-check.js';
import { compileCheck } from './compiled-check.js';

/**
 * Encodes one kind of record to its stored JSON text and back. Both directions validate the whole
 * shape; a versioned record whose `recordVersion` is not the one this build knows is refused on
 * decode (`internal`, "unknown record version"), never guessed.
 */
export interface Codec<T> {
  /** The record's name in error messages, e.g. `input record`. */
  readonly record: string;
  /** The JSON text of `value`. Throws `internal` when `value` does not have the record's shape. */
  encode(value: T): string;
  /** Throws as {@link encode} does when `value` does not have the record's shape; writes nothing. */
  validate(value: T): void;
  /** The record stored as `text`; `where` names it in errors (e.g. the runtime id and key). */
  decode(text: string, where?: string): T;
  /** The record held by an already parsed JSON `value`, checked as {@link decode} checks it. */
  fromJson(value: unknown, where?: string): T;
}

const MAX_ISSUES = 8;

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
}

function versionOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)['recordVersion']
    : undefined;
}

function named(record: string, where: string | undefined): string {
  return where === undefined ? record : `${record} (${where})`;
}

/**
 * A codec for `record` validated by `schema` (through `fast`, its compiled predicate, first). With `version`, the record carries `recordVersion`
 * and only that version is read or written. The schema only validates: the value returned by
 * `decode` is the parsed JSON itself, so nothing is stripped, defaulted or reordered on the way.
 */
export function createCodec<T>(
  record: string,
  schema: z.ZodType<T>,
  version?: number,
  fast: FastCheck = compileCheck(schema),
): Codec<T> {
  const check = (value: unknown, verb: string, where: string | undefined): void => {
    // Zod runs only when the compiled predicate cannot vouch for the value: for its issue list
    // (the value is bad), or for a shape the predicate does not judge itself.
    if (fast(value)) return;
    const result = schema.safeParse(value);
    if (result.success) return;
    const issues = describeIssues(result.error.issues);
    throw new BurrowError('internal', `${verb} ${named(record, where)}: ${issues.join('; ')}`, {
      issues,
    });
  };
  return {
    record,
    encode(value: T): string {
      this.validate(value);
      return JSON.stringify(value);
    },
    validate(value: T): void {
      if (version !== undefined && versionOf(value) !== version) {
        const found = JSON.stringify(versionOf(value)) ?? 'undefined';
        throw new BurrowError(
          'internal',
          `cannot encode ${record}: recordVersion ${found} is not ${version}`,
        );
      }
      check(value, 'cannot encode', undefined);
    },
    decode(text: string, where?: string): T {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e: unknown) {
        throw new BurrowError(
          'internal',
          `corrupt ${named(record, where)}: not JSON`,
          {},
          { cause: e },
        );
      }
      return this.fromJson(value, where);
    },
    fromJson(value: unknown, where?: string): T {
      if (version !== undefined && versionOf(value) !== version) {
        const found = JSON.stringify(versionOf(value)) ?? 'missing';
        throw new BurrowError(
          'internal',
          `unknown record version ${found} for ${named(record, where)}; this build reads version ${version}`,
        );
      }
      check(value, 'corrupt', where);
      return value as T;
    },
  };
}
