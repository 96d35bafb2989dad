// Small builders for the JSON Schemas of the OpenAPI document: hand-written ones, and zod schemas
// converted without recursion.

import { z } from 'zod';
import { jsonValue } from '../core/json-schema.js';

/** A JSON Schema object. */
export type Schema = Readonly<Record<string, unknown>>;

/** An object with exactly `properties`; all required unless `required` says otherwise. */
export const obj = (
  properties: Record<string, Schema>,
  required: readonly string[] = Object.keys(properties),
): Schema => ({ type: 'object', properties, required, additionalProperties: false });
/** A reference to a component schema. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** A non-negative integer. */
export const int: Schema = { type: 'integer', minimum: 0 };
/** A string. */
export const str: Schema = { type: 'string' };
/** A boolean. */
export const bool: Schema = { type: 'boolean' };
/** `schema` or `null`. */
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
/** One of `values`. */
export const oneOfStrings = (values: readonly string[]): Schema => ({
  type: 'string',
  enum: [...values],
});
/** Exactly `value`. */
export const constant = (value: string | number): Schema => ({
  type: typeof value === 'number' ? 'integer' : 'string',
  const: value,
});
/** An array of `items`. */
export const arr = (items: Schema): Schema => ({ type: 'array', items });
/** Any JSON value (an application's data: results, metadata, messages). */
export const JSON_VALUE: Schema = ref('JsonValue');

/** An object whose members the document does not spell out (`{ [key: string]: unknown }`). */
export const anyObject = (description: string): Schema => ({
  type: 'object',
  additionalProperties: true,
  description,
});

/**
 * The members of a string union as an array, checked complete at compile time (a member added to the
 * union and missing here fails to compile).
 *
 * @example
 * const LANES = members<Lane>()(['queue', 'steer', 'none']);
 */
export function members<T extends string>() {
  return <const V extends readonly T[]>(
    list: V &
      ([Exclude<T, V[number]>] extends [never] ? unknown : { missing: Exclude<T, V[number]> }),
  ): V => list;
}

/**
 * A zod schema as JSON Schema for the document: JSON values (the core's recursive `jsonValue`) become
 * a reference to the `JsonValue` component, so no generated type refers to itself. Throws on any
 * other recursive schema, which code generators could not type.
 */
export function fromZod(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const generated = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if ((ctx.zodSchema as unknown) !== jsonValue) return;
      const target = ctx.jsonSchema as Record<string, unknown>;
      for (const key of Object.keys(target)) delete target[key];
      target['$ref'] = JSON_VALUE['$ref'];
    },
  });
  const {
    $schema: _dialect,
    $defs = {},
    ...rest
  } = generated as Record<string, unknown> & {
    $defs?: Record<string, Record<string, unknown>>;
  };
  let text = JSON.stringify(rest);
  for (const [name, def] of Object.entries($defs)) {
    if (Object.keys(def).length !== 1 || typeof def['$ref'] !== 'string') {
      throw new Error(`the schema has a recursive part (${name}) other than JSON values`);
    }
    text = text.replaceAll(`"#/$defs/${name}"`, JSON.stringify(def['$ref']));
  }
  return JSON.parse(text) as Schema;
}
