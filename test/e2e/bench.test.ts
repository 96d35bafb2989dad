// `burrow bench` against the repository's real suite (its smallest part, --quick): the suite's own
// announcements and table are understood. Behaviour only — no figure is asserted.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, killChildren, runCli } from './support/cli-process.js';

beforeAll(ensureBuilt, 180_000);
afterEach(killChildren);

describe('burrow bench (real suite)', () => {
  it('runs the chosen suite and reports its rows', async () => {
    const { code, stdout, stderr } = await runCli([
      'bench',
      'accept-to-executor',
      '--quick',
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      suites: string[];
      results: Record<string, string>[];
    };
    expect(report.ok).toBe(true);
    expect(report.suites).toEqual(['accept-to-executor latency']);
    expect(report.results.length).toBeGreaterThan(0);
    for (const row of report.results) expect(row['Benchmark']).toMatch(/accept/);
  });

  it('exits 2 for a filter that matches no suite', async () => {
    const { code, stderr } = await runCli(['bench', 'no-such-suite', '--quick']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no benchmark suite matches "no-such-suite"/);
  });
});
