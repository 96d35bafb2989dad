// Records stored as JSON arrays of their field values in a fixed order: the keys are in the code,
// not in every row. The field lists are part of the stored format: append to them, never reorder.

import { storeForm, readForm } from './field-forms.js';
import type { FieldForm } from './field-forms.js';

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

function nameOf(spec: FieldSpec): { key: string; optional: boolean } {
  const name = typeof spec === 'string' ? spec : spec.name;
  return name.endsWith('?')
    ? { key: name.slice(0, -1), optional: true }
    : { key: name, optional: false };
}

function packValue(
  spec: Exclude<FieldSpec, { implied: true }>,
  value: unknown,
): { value: unknown } | null {
  if (typeof spec === 'string') return { value };
  if ('form' in spec) return { value: storeForm(spec.form, value) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const nested = packFields(value, spec.fields);
  return nested === null ? null : { value: nested };
}

/**
 * The values of `record`'s fields in `fields` order, or null when `record` has a key the list does
 * not name (it would be lost) or a nested field that is not an object.
 */
export function packFields(record: object, fields: FieldList): unknown[] | null {
  const source = record as Readonly<Record<string, unknown>>;
  let named = 0;
  const values: unknown[] = [];
  for (const spec of fields) {
    const { key, optional } = nameOf(spec);
    const value = source[key];
    if (value === undefined) {
      if (!optional) return null;
      values.push(null);
      continue;
    }
    if (optional && value === null) return null;
    named += 1;
    if (typeof spec !== 'string' && 'implied' in spec) continue;
    const packed = packValue(spec, value);
    if (packed === null) return null;
    values.push(packed.value);
  }
  if (named !== Object.keys(source).length) return null;
  // Absent optional fields at the end are left out (optional fields come last, after any implied).
  let end = values.length;
  const last = fields.length - values.length;
  while (end > 0 && values[end - 1] === null && nameOf(fields[last + end - 1] ?? '').optional)
    end -= 1;
  return end === values.length ? values : values.slice(0, end);
}

/**
 * The record {@link packFields} packed as `values`, without its implied fields; throws naming `what`
 * when the shape is wrong.
 */
export function unpackFields(values: unknown, fields: FieldList, what: string): object {
  if (!Array.isArray(values) || values.length > fields.length)
    throw new Error(`${what}: expected at most ${fields.length} stored fields`);
  const record: Record<string, unknown> = {};
  let i = 0;
  for (const spec of fields) {
    if (typeof spec !== 'string' && 'implied' in spec) continue;
    const { key, optional } = nameOf(spec);
    const value: unknown = i < values.length ? values[i] : null;
    if (!optional && i >= values.length) throw new Error(`${what}: field ${key} is missing`);
    i += 1;
    if (optional && value === null) continue;
    if (typeof spec === 'string') record[key] = value;
    else if ('form' in spec) record[key] = readForm(spec.form, value, what);
    else record[key] = unpackFields(value, spec.fields, what);
  }
  return record;
}
