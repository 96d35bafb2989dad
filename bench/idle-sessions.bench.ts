// 100,000 registered idle sessions (issue 3): heap and RSS, measured in a fresh child process running
// the compiled runtime with plain node (`npm run bench` builds first).

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-result.js';
import { round } from './bench-result.js';

/** Runs the benchmark. */
export function runIdleSessions(quick = false): Promise<BenchResult[]> {
  const count = quick ? 10_000 : 100_000;
  const child = fileURLToPath(new URL('./idle-sessions-child.mjs', import.meta.url));
  const output = execFileSync(process.execPath, ['--expose-gc', child, String(count)], {
    encoding: 'utf8',
  });
  const m = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
    registered: number;
    rss: number;
    heapUsed: number;
    baselineRss: number;
  };
  if (m.registered !== count)
    throw new Error(`expected ${count} registered sessions, found ${m.registered}`);
  const mb = (bytes: number): number => round(bytes / 1024 / 1024);
  return Promise.resolve([
    {
      name: `${count.toLocaleString('en')} idle sessions: RSS (whole process)`,
      value: mb(m.rss),
      unit: 'MB',
      target: '< 250 MB',
    },
    {
      name: `${count.toLocaleString('en')} idle sessions: heap used`,
      value: mb(m.heapUsed),
      unit: 'MB',
    },
    {
      name: 'idle session: RSS per session above the empty process',
      value: round((m.rss - m.baselineRss) / count),
      unit: 'bytes',
    },
  ]);
}
