// fast-check arbitraries derived from the OpenAPI document's JSON Schemas, as schemathesis derives
// them: values every schema accepts (to check the server accepts them too), and values that break a
// schema in one place (to check the server refuses them).

import fc from 'fast-check';
import type { JsonSchema, Resolve } from './json-schema-check.js';
import { check } from './json-schema-check.js';

const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' ? value : fallback;

/** A pattern's regular expression (the document's patterns are ECMA-262 with the `u` flag). */
const regexOf = (schema: JsonSchema): RegExp | null =>
  typeof schema['pattern'] === 'string' ? new RegExp(schema['pattern'], 'u') : null;

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = num(schema['minLength'], 0);
  const max = num(schema['maxLength'], 64);
  const re = regexOf(schema);
  const short = Math.min(max, min + 24);
  const plain = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: min, maxLength: short }),
    fc.string({ unit: 'binary', minLength: min, maxLength: short }),
  );
  if (schema['format'] === 'date-time')
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (re === null) {
    const full = fc.string({ unit: 'grapheme-ascii', minLength: max, maxLength: max });
    return max > short
      ? fc.oneof({ weight: 9, arbitrary: plain }, { weight: 1, arbitrary: full })
      : plain;
  }
  let matching: fc.Arbitrary<string>;
  try {
    matching = fc.stringMatching(re);
  } catch {
    // fast-check cannot build some patterns (lookahead): filter arbitrary text instead.
    matching = fc.string({ unit: 'binary', minLength: Math.max(min, 1), maxLength: short });
  }
  return matching.filter((s) => re.test(s) && s.length >= min && s.length <= max);
}

function validInteger(schema: JsonSchema): fc.Arbitrary<number> {
  const min = num(schema['minimum'], -1_000_000);
  const max = num(schema['maximum'], 1_000_000);
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
  );
}

/** Values `schema` accepts. */
export function valid(schema: JsonSchema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema['$ref'] === 'string') return valid(resolve(schema['$ref']), resolve, depth);
  const options = (schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined;
  if (options !== undefined) return fc.oneof(...options.map((o) => valid(o, resolve, depth)));
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  switch (schema['type']) {
    case 'string':
      return validString(schema);
    case 'integer':
      return validInteger(schema);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = valid(schema['items'] as JsonSchema, resolve, depth + 1);
      const minLength = num(schema['minItems'], 0);
      const maxLength = Math.min(num(schema['maxItems'], 4), minLength + 4);
      return fc.array(items, { minLength, maxLength });
    }
    case 'object':
      return validObject(schema, resolve, depth);
    default:
      // `{}` (the document's JsonValue): any JSON value.
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function validObject(schema: JsonSchema, resolve: Resolve, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema['required'] ?? []) as string[]);
  const members = Object.entries(properties).map(([name, member]) => {
    const value = valid(member, resolve, depth + 1);
    return required.has(name)
      ? value.map((v) => [[name, v]] as [string, unknown][])
      : fc
          .option(value, { nil: undefined })
          .map((v) => (v === undefined ? [] : ([[name, v]] as [string, unknown][])));
  });
  const extra = schema['additionalProperties'];
  const extras =
    typeof extra === 'object' && extra !== null
      ? fc.dictionary(fc.string({ maxLength: 8 }), valid(extra as JsonSchema, resolve, depth + 1), {
          maxKeys: 3,
        })
      : fc.constant({});
  return fc
    .tuple(fc.tuple(...members), extras)
    .map(([parts, more]) => ({ ...more, ...Object.fromEntries(parts.flat()) }));
}

/** Strings that break common string schemas (the caller keeps those the schema refuses). */
const BAD_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  'a\u0007b',
  '\u0085',
  'x y',
  'nope',
  'abc',
  '-1',
  '1.5',
  '9'.repeat(20),
];

function invalidString(schema: JsonSchema): fc.Arbitrary<unknown> {
  const candidates: unknown[] = [...BAD_STRINGS, 42, null, true, []];
  const max = schema['maxLength'];
  if (typeof max === 'number') candidates.push('x'.repeat(max + 1));
  return fc.constantFrom(...candidates);
}

function invalidInteger(schema: JsonSchema): fc.Arbitrary<unknown> {
  const candidates: unknown[] = [1.5, 'abc', null, -1];
  if (typeof schema['minimum'] === 'number') candidates.push(schema['minimum'] - 1);
  if (typeof schema['maximum'] === 'number') candidates.push(schema['maximum'] + 1);
  return fc.constantFrom(...candidates);
}

function invalidArray(schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const items = schema['items'] as JsonSchema;
  const cases: fc.Arbitrary<unknown>[] = [fc.constantFrom('not an array', 7, { length: 1 })];
  if (!refusesNothing(items, resolve)) cases.push(invalid(items, resolve).map((bad) => [bad]));
  const max = schema['maxItems'];
  if (typeof max === 'number') {
    // One item over the bound: every item valid and short, so only the count is wrong.
    cases.push(fc.array(valid(items, resolve), { minLength: max + 1, maxLength: max + 1 }));
  }
  if (num(schema['minItems'], 0) > 0) cases.push(fc.constant([]));
  return fc.oneof(...cases);
}

/**
 * True when `schema` accepts every value (no type, const, enum; or a union with such an option, like
 * `JsonValue`): `invalid` of it is empty, and its filter would spin forever looking for a value.
 */
export function refusesNothing(schema: JsonSchema, resolve: Resolve): boolean {
  if (typeof schema['$ref'] === 'string') return refusesNothing(resolve(schema['$ref']), resolve);
  const options = (schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined;
  if (options !== undefined) return options.some((o) => refusesNothing(o, resolve));
  return !('type' in schema) && !('const' in schema) && !('enum' in schema);
}

function invalidObject(schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const base = valid(schema, resolve) as fc.Arbitrary<Record<string, unknown>>;
  const cases: fc.Arbitrary<unknown>[] = [fc.constantFrom('an object?', 3, null, [])];
  if (schema['additionalProperties'] === false) {
    cases.push(base.map((v) => ({ ...v, __unknown_member: 1 })));
  }
  for (const name of (schema['required'] ?? []) as string[]) {
    cases.push(base.map(({ [name]: _dropped, ...rest }) => rest));
  }
  for (const [name, member] of Object.entries(properties)) {
    // A member that takes any JSON value cannot be broken (the object checks of its own still apply).
    if (refusesNothing(member, resolve)) continue;
    cases.push(fc.tuple(base, invalid(member, resolve)).map(([v, bad]) => ({ ...v, [name]: bad })));
  }
  return fc.oneof(...cases);
}

/** Values `schema` refuses (an empty arbitrary's caller should skip it: `{}` refuses nothing). */
export function invalid(schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  if (typeof schema['$ref'] === 'string') return invalid(resolve(schema['$ref']), resolve);
  let raw: fc.Arbitrary<unknown>;
  const options = (schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined;
  if (options !== undefined) raw = fc.oneof(...options.map((o) => invalid(o, resolve)));
  else if ('const' in schema || Array.isArray(schema['enum']))
    raw = fc.constantFrom('__none_of_these__', 0, null);
  else if (schema['type'] === 'string') raw = invalidString(schema);
  else if (schema['type'] === 'integer') raw = invalidInteger(schema);
  else if (schema['type'] === 'boolean') raw = fc.constantFrom('true', 1, null);
  else if (schema['type'] === 'array') raw = invalidArray(schema, resolve);
  else if (schema['type'] === 'object') raw = invalidObject(schema, resolve);
  else raw = fc.constant(undefined);
  return raw.filter((value) => value !== undefined && check(value, schema, resolve).length > 0);
}

/** Wire texts a query or header parameter refuses (parameters travel as text, so `1` and `"1"` are one value). */
export function invalidParamText(schema: JsonSchema): string[] {
  const candidates = [...BAD_STRINGS, '1e3', '0x10', '+1', ' 1'];
  if (typeof schema['maximum'] === 'number') candidates.push(String(schema['maximum'] + 1));
  if (typeof schema['minimum'] === 'number') candidates.push(String(schema['minimum'] - 1));
  if (typeof schema['maxLength'] === 'number') candidates.push('x'.repeat(schema['maxLength'] + 1));
  return candidates.filter((text) => {
    const value = schema['type'] === 'integer' && /^-?[0-9]+$/.test(text) ? Number(text) : text;
    const isInteger = schema['type'] !== 'integer' || typeof value === 'number';
    return !isInteger || check(value, schema, () => ({})).length > 0;
  });
}
