// Records stored as JSON arrays of their field values in a fixed order: the keys are in the code,
// not in every row. The field lists are part of the stored format: append to them, never reorder.

import type { FieldForm } from './field-forms.js';
import { compileForm } from './field-forms.js';

/**
 * A field stored as its value, or in a shorter form: `fields` for a nested positional array, `form`
 * for an id, an id list, a timestamp or an enum (field-forms.ts), `implied` for a field the row
 * holds elsewhere (not stored; the reader puts it back).
 */
export type FieldSpec =
  | string
  | { readonly name: string; readonly fields: readonly FieldSpec[] }
  | { readonly name: string; readonly form: FieldForm }
  | { readonly name: string; readonly implied: true };

/**
 * A field list; a name ending in `?` is optional (absent is stored as `null`, so it is never null
 * itself), and absent optional fields at the end are not stored at all.
 */
export type FieldList = readonly FieldSpec[];

/** A field list compiled once: packs records into positional values and reads them back. */
export interface Positional {
  /**
   * Appends the values of `record`'s fields to `out` in list order; false when `record` has a key
   * the list does not name (it would be lost) or a nested field that is not an object.
   */
  packInto(record: object, out: unknown[]): boolean;
  /** The record packed as `values`, without its implied fields; throws naming `what` when wrong. */
  unpack(values: unknown, what: string): object;
}

/** One field, with everything {@link Positional} needs decided up front. */
interface Field {
  readonly key: string;
  readonly optional: boolean;
  readonly implied: boolean;
  /** The stored form of a present value (`undefined` when it cannot be stored). */
  readonly store: (value: unknown) => unknown;
  readonly read: (stored: unknown, what: string) => unknown;
}

const same = (value: unknown): unknown => value;

function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileField(spec: FieldSpec): Field {
  const name = typeof spec === 'string' ? spec : spec.name;
  const optional = name.endsWith('?');
  const key = optional ? name.slice(0, -1) : name;
  const base = { key, optional, implied: false, store: same, read: same };
  if (typeof spec === 'string') return base;
  if ('implied' in spec) return { ...base, implied: true };
  if ('form' in spec) return { ...base, ...compileForm(spec.form) };
  const nested = compileFields(spec.fields);
  return {
    ...base,
    store(value) {
      const values: unknown[] = [];
      return isRecord(value) && nested.packInto(value, values) ? values : undefined;
    },
    read: (stored, what) => nested.unpack(stored, what),
  };
}

/** Compiles `fields` (see {@link FieldList}) into its packer and reader. */
export function compileFields(fields: FieldList): Positional {
  const all = fields.map(compileField);
  const stored = all.filter((field) => !field.implied);
  return {
    packInto(record, out) {
      const source = record as Readonly<Record<string, unknown>>;
      const start = out.length;
      let named = 0;
      for (const field of all) {
        const value = source[field.key];
        if (value === undefined) {
          if (!field.optional) return false;
          if (!field.implied) out.push(null);
          continue;
        }
        if (field.optional && value === null) return false;
        named += 1;
        if (field.implied) continue;
        const packed = field.store(value);
        if (packed === undefined) return false;
        out.push(packed);
      }
      if (named !== Object.keys(source).length) return false;
      // Absent optional fields at the end are left out.
      let end = out.length;
      while (end > start && out[end - 1] === null && stored[end - 1 - start]?.optional === true)
        end -= 1;
      out.length = end;
      return true;
    },
    unpack(values, what) {
      if (!Array.isArray(values) || values.length > stored.length)
        throw new Error(`${what}: expected at most ${stored.length} stored fields`);
      const record: Record<string, unknown> = {};
      stored.forEach((field, i) => {
        if (!field.optional && i >= values.length)
          throw new Error(`${what}: field ${field.key} is missing`);
        const value: unknown = i < values.length ? values[i] : null;
        if (field.optional && value === null) return;
        record[field.key] = field.read(value, what);
      });
      return record;
    },
  };
}
