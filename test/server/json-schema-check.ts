// A validator for the JSON Schema subset the OpenAPI document uses ($ref, type, const, enum, anyOf,
// oneOf, properties, required, additionalProperties, items, bounds, pattern, format date-time), so
// the conformance test can check every response body against the document.

/** A JSON Schema (as parsed from the document). */
export type JsonSchema = { readonly [key: string]: unknown };

/** The document's schema lookup. */
export type Resolve = (ref: string) => JsonSchema;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(wanted: unknown, value: unknown): boolean {
  const actual = typeOf(value);
  const list = Array.isArray(wanted) ? (wanted as string[]) : [wanted as string];
  return list.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/** The problems of `value` against `schema`, as `path: message` lines (empty: it conforms). */
export function check(value: unknown, schema: JsonSchema, resolve: Resolve, path = '$'): string[] {
  if (typeof schema['$ref'] === 'string')
    return check(value, resolve(schema['$ref']), resolve, path);
  const problems: string[] = [];
  const fail = (message: string): string[] => [`${path}: ${message}`];
  if (schema['type'] !== undefined && !typeMatches(schema['type'], value)) {
    return fail(`expected ${JSON.stringify(schema['type'])}, got ${typeOf(value)}`);
  }
  if ('const' in schema && value !== schema['const'])
    return fail(`expected ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) {
    return fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(schema['enum'])}`);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (!Array.isArray(options)) continue;
    const matching = (options as JsonSchema[]).filter(
      (o) => check(value, o, resolve, path).length === 0,
    );
    if (matching.length === 0) return fail(`matches none of its ${key} options`);
    if (key === 'oneOf' && matching.length > 1) return fail('matches more than one oneOf option');
  }
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength'])
      problems.push(...fail('too short'));
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength'])
      problems.push(...fail('too long'));
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value))
      problems.push(...fail(`does not match ${schema['pattern']}`));
    if (schema['format'] === 'date-time' && Number.isNaN(Date.parse(value)))
      problems.push(...fail('not a date-time'));
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum'])
      problems.push(...fail(`below ${schema['minimum']}`));
    if (typeof schema['maximum'] === 'number' && value > schema['maximum'])
      problems.push(...fail(`above ${schema['maximum']}`));
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems'])
      problems.push(...fail('too few items'));
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems'])
      problems.push(...fail('too many items'));
    const items = schema['items'] as JsonSchema | undefined;
    if (items !== undefined)
      value.forEach((item, i) => problems.push(...check(item, items, resolve, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema['required'] ?? []) as string[]) {
      if (!(name in record)) problems.push(...fail(`missing ${name}`));
    }
    for (const [name, member] of Object.entries(record)) {
      const declared = properties[name];
      const extra = schema['additionalProperties'];
      if (declared !== undefined)
        problems.push(...check(member, declared, resolve, `${path}.${name}`));
      else if (extra === false) problems.push(...fail(`unexpected member ${name}`));
      else if (typeof extra === 'object' && extra !== null)
        problems.push(...check(member, extra as JsonSchema, resolve, `${path}.${name}`));
    }
  }
  return problems;
}
