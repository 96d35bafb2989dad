// What every benchmark reports, and the statistics it uses (medians and ratios: the machine is shared and noisy).

/** One figure of a benchmark, optionally next to the same figure of a peer measured in the same run. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly peer?: string;
  readonly peerValue?: number;
  readonly target?: string;
  readonly note?: string;
  /** For rates (accepts/s): a larger value is better. Times and sizes: smaller is better. */
  readonly higherIsBetter?: boolean;
}

/** The median of `samples`. */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The `q` quantile (0..1) of `samples`. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

/** Rounds to a sensible number of digits for a table. */
export function round(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}
