// A zod schema compiled into a plain predicate, so that checking a record on every write costs a few
// property reads instead of zod's per-node parse contexts and issue lists.
//
// The predicate only ever answers "certainly valid": `true` means the schema accepts the value, and
// `false` means "ask zod", which then either accepts it after all (a shape the predicate did not
// know how to judge) or reports the issues as it always did. Every schema node the compiler does not
// understand (a refinement, a string format, a transform) becomes a call of zod itself for that node,
// so the predicate can be slower than it could be, but never more lenient than the schema.

import { z } from 'zod';

/** True only when the schema it was compiled from accepts `value`. */
export type FastCheck = (value: unknown) => boolean;

type Schema = z.core.$ZodType;

// Hand-written predicates of custom schemas (JSON values, timestamps), registered next to them.
const custom = new WeakMap<Schema, FastCheck>();

/** Registers `check` as the predicate of `schema` (a custom or refined one zod cannot describe). */
export function withFastCheck<S extends Schema>(schema: S, check: FastCheck): S {
  custom.set(schema, check);
  return schema;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The predicate of one check on a string, array or number; null for a check it does not know. */
function compileBound(check: z.core.$ZodCheck<never>): FastCheck | null {
  const def = check._zod.def;
  switch (def.check) {
    case 'min_length': {
      const { minimum } = def as z.core.$ZodCheckMinLengthDef;
      return (v) => (v as { length: number }).length >= minimum;
    }
    case 'max_length': {
      const { maximum } = def as z.core.$ZodCheckMaxLengthDef;
      return (v) => (v as { length: number }).length <= maximum;
    }
    case 'greater_than': {
      const { value, inclusive } = def as z.core.$ZodCheckGreaterThanDef;
      if (typeof value !== 'number') return null;
      return (v) => (inclusive ? (v as number) >= value : (v as number) > value);
    }
    case 'less_than': {
      const { value, inclusive } = def as z.core.$ZodCheckLessThanDef;
      if (typeof value !== 'number') return null;
      return (v) => (inclusive ? (v as number) <= value : (v as number) < value);
    }
    case 'number_format':
      return (def as z.core.$ZodCheckNumberFormatDef).format === 'safeint'
        ? (v) => Number.isSafeInteger(v)
        : null;
    default:
      return null;
  }
}

/** `base` followed by the schema's checks, or null when one of them is unknown. */
function withBounds(schema: Schema, base: FastCheck): FastCheck | null {
  const bounds = (schema._zod.def.checks ?? []).map(compileBound);
  if (bounds.some((bound) => bound === null)) return null;
  const all = bounds.filter((bound): bound is FastCheck => bound !== null);
  if (all.length === 0) return base;
  return (v) => base(v) && all.every((bound) => bound(v));
}

function compileObject(def: z.core.$ZodObjectDef): FastCheck | null {
  const keys = Object.keys(def.shape);
  const checks = keys.map((key) => [key, compileCheck(def.shape[key] as Schema)] as const);
  const catchall = def.catchall?._zod.def.type;
  // A strict object (`never` catchall) refuses keys outside its shape; a plain one ignores them.
  if (catchall !== undefined && catchall !== 'never') return null;
  const strict = catchall === 'never';
  const known = new Set(keys);
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const [key, check] of checks) if (!check(v[key])) return false;
    if (strict) for (const key in v) if (!known.has(key)) return false;
    return true;
  };
}

function compileUnion(def: z.core.$ZodUnionDef): FastCheck | null {
  const options = def.options.map((option) => compileCheck(option));
  const discriminator = 'discriminator' in def ? def.discriminator : undefined;
  if (typeof discriminator !== 'string') return (v) => options.some((option) => option(v));
  // A discriminated union: the option is found by its literal discriminator, not by trying each.
  const byTag = new Map<unknown, FastCheck>();
  def.options.forEach((option, i) => {
    const tag = (option._zod.def as z.core.$ZodObjectDef).shape?.[discriminator]?._zod.def;
    const check = options[i];
    if (tag?.type !== 'literal' || check === undefined) return;
    for (const value of (tag as z.core.$ZodLiteralDef<z.core.util.Literal>).values)
      byTag.set(value, check);
  });
  return (v) => isPlainObject(v) && (byTag.get(v[discriminator])?.(v) ?? false);
}

/** The predicate of one node without its own checks, or null when it has no fast form. */
function compileNode(schema: Schema): FastCheck | null {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return 'format' in def && def.format !== undefined
        ? null
        : withBounds(schema, (v) => typeof v === 'string');
    case 'number': {
      const format = 'format' in def ? def.format : undefined;
      if (format !== undefined && format !== 'safeint') return null;
      const base: FastCheck =
        format === 'safeint' ? (v) => Number.isSafeInteger(v) : (v) => Number.isFinite(v);
      return withBounds(schema, base);
    }
    case 'boolean':
      return withBounds(schema, (v) => typeof v === 'boolean');
    case 'unknown':
    case 'any':
      return withBounds(schema, () => true);
    case 'enum': {
      const values = new Set<unknown>(Object.values((def as z.core.$ZodEnumDef).entries));
      return withBounds(schema, (v) => values.has(v));
    }
    case 'literal': {
      const values = new Set<unknown>((def as z.core.$ZodLiteralDef<z.core.util.Literal>).values);
      return withBounds(schema, (v) => values.has(v));
    }
    case 'nullable': {
      const inner = compileCheck((def as z.core.$ZodNullableDef).innerType);
      return withBounds(schema, (v) => v === null || inner(v));
    }
    case 'optional': {
      const inner = compileCheck((def as z.core.$ZodOptionalDef).innerType);
      return withBounds(schema, (v) => v === undefined || inner(v));
    }
    case 'array': {
      const element = compileCheck((def as z.core.$ZodArrayDef).element);
      // An index loop, not `every`: `every` skips the holes of a sparse array, which zod refuses.
      return withBounds(schema, (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i += 1) if (!element(v[i])) return false;
        return true;
      });
    }
    case 'object': {
      const object = compileObject(def as z.core.$ZodObjectDef);
      return object === null ? null : withBounds(schema, object);
    }
    case 'union': {
      const union = compileUnion(def as z.core.$ZodUnionDef);
      return union === null ? null : withBounds(schema, union);
    }
    default:
      return null;
  }
}

/**
 * The predicate of `schema`: registered custom predicates first, then the nodes zod's definitions
 * describe, and zod itself for anything else.
 */
export function compileCheck(schema: Schema): FastCheck {
  const registered = custom.get(schema);
  if (registered !== undefined) return registered;
  const fast = compileNode(schema);
  if (fast !== null) return fast;
  return (v) => z.safeParse(schema, v).success;
}
