// Durations as people type them (`30s`, `1500ms`, `2m`, or bare milliseconds): one grammar for the
// HTTP `?wait=` parameter and the CLI's `--wait` and `--drain-timeout`.

/** The grammar of a duration, as a regular expression source (also the OpenAPI `pattern`). */
export const DURATION_PATTERN = '^[0-9]{1,9}(ms|s|m)?$';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/**
 * A duration in milliseconds, or `null` when `text` does not follow {@link DURATION_PATTERN}.
 *
 * @example
 * parseDuration('30s'); // 30000
 * parseDuration('5x'); // null
 */
export function parseDuration(text: string): number | null {
  const match = /^([0-9]{1,9})(ms|s|m)?$/.exec(text);
  if (match === null) return null;
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}
