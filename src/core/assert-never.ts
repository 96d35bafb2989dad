// Exhaustiveness helper for discriminated unions.

/**
 * Marks the end of an exhaustive `switch`: the compiler proves it unreachable, and reaching it at
 * run time (a value from outside the type system) throws.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
