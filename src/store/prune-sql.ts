// The retention rule as SQL, shared by the SQLite and PostgreSQL stores (both have window functions).

import type { PrunePolicy } from './runtime-store.js';

/** Where a dialect takes the statement's two parameters (`@keep`/`@cutoff`, `$1`/`$2`). */
export interface PruneParams {
  readonly keep: string;
  readonly cutoff: string;
}

/**
 * A DELETE of `table`'s records that are beyond the newest `keep` of their session (by `order`) and
 * older than the cutoff (`now - maxAgeMs`, against `atColumn`): the same rule as the memory store's
 * `prunable`. `filter` restricts the candidates (terminal records only, for example).
 */
export function pruneSql(
  table: string,
  key: string,
  filter: string,
  order: string,
  atColumn: string,
  params: PruneParams,
): string {
  return `DELETE FROM ${table} WHERE (runtime_id, ${key}) IN (
    SELECT runtime_id, ${key} FROM (
      SELECT runtime_id, ${key}, ${atColumn} AS at_ms,
        ROW_NUMBER() OVER (PARTITION BY runtime_id ORDER BY ${order}) AS rank
      FROM ${table} WHERE ${filter}
    ) ranked WHERE rank > ${params.keep} AND at_ms < ${params.cutoff}
  )`;
}

/** The `keep` and `cutoff` values of one record kind's rule at `policy.now`. */
export function pruneValues(
  policy: PrunePolicy,
  kind: 'inputs' | 'receipts' | 'events' | 'operations',
): { keep: number; cutoff: number } {
  const rule = policy[kind];
  return { keep: Math.max(0, Math.floor(rule.keepPerSession)), cutoff: policy.now - rule.maxAgeMs };
}
