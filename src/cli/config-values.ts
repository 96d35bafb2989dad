// How the CLI reads one setting: a flag, then the environment, checked, with every problem collected as an issue.

import { bearerTokenProblem } from '../core/bearer-token.js';

/** The first non-empty value: a flag, then an environment variable; `undefined` when neither is set. */
export function pick(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined && flag.trim() !== '') return flag.trim();
  if (env !== undefined && env.trim() !== '') return env.trim();
  return undefined;
}

/**
 * The token as given (a flag, then the environment; empty counts as unset), not trimmed: a token with
 * surrounding or inner spaces could never be sent in a header, so it is an issue, not a typo to fix.
 */
export function rawToken(
  flag: string | undefined,
  env: string | undefined,
  issues: string[],
): string | null {
  const token =
    flag !== undefined && flag !== '' ? flag : env !== undefined && env !== '' ? env : null;
  if (token === null) return null;
  const problem = bearerTokenProblem(token);
  if (problem !== null) issues.push(`${problem} (--token, BURROW_TOKEN)`);
  return token;
}

/** `value` when it is one of `allowed`; otherwise an issue and `fallback` (also when unset). */
export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  name: string,
  issues: string[],
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  issues.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return fallback;
}

/** `value` as an integer within `range`; otherwise an issue and the fallback (also when unset). */
export function integer(
  value: string | undefined,
  range: { min: number; max: number; fallback: number },
  name: string,
  issues: string[],
): number {
  if (value === undefined) return range.fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(parsed) && parsed >= range.min && parsed <= range.max) return parsed;
  issues.push(`${name} must be an integer from ${range.min} to ${range.max} (got ${value})`);
  return range.fallback;
}
