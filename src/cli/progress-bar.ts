// A one-line progress bar on stderr for long work (recovery, benchmarks): drawn only on a terminal.

import type { CliIo } from './cli-io.js';

/** Renders `[#####.....] 5/10 label`. */
export function renderBar(done: number, total: number, label = '', width = 24): string {
  const ratio = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  return `${bar} ${done}/${total}${label === '' ? '' : ` ${label}`}`;
}

/** A progress display bound to an io. */
export interface Progress {
  update(done: number, total: number, label?: string): void;
  /** Clears the bar and prints `summary` (on stderr) when given. */
  finish(summary?: string): void;
}

/** Starts a progress display titled `title`; redraws at most every `minIntervalMs`, and always at the end. */
export function startProgress(io: CliIo, title: string, minIntervalMs = 80): Progress {
  let last = 0;
  return {
    update(done, total, label) {
      const now = performance.now();
      if (done < total && now - last < minIntervalMs) return;
      last = now;
      io.progress(`${title} ${renderBar(done, total, label)}`);
    },
    finish(summary) {
      io.clearProgress();
      if (summary !== undefined) io.err(summary);
    },
  };
}
