// Accept-to-executor latency (issue 3): from the acceptInput call to the executor's apply, on an idle
// attached session, p50 and p99 over thousands of turns.

import { performance } from 'node:perf_hooks';
import { createRuntime } from '../dist/index.js';
import type { Executor } from '../dist/index.js';
import type { BenchResult } from './bench-result.js';
import { quantile, round } from './bench-result.js';

/** Runs the benchmark. */
export async function runAcceptLatency(quick = false): Promise<BenchResult[]> {
  const samples: number[] = [];
  let acceptedAt = 0;
  const executor: Executor = {
    apply: () => {
      samples.push((performance.now() - acceptedAt) * 1000);
      return Promise.resolve({ status: 'completed_without_result' });
    },
  };
  const runtime = await createRuntime();
  await runtime.registerSessionWithExecutor('s1', executor);
  const turns = quick ? 1_000 : 20_000;
  for (let i = 0; i < turns; i += 1) {
    acceptedAt = performance.now();
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content: 'x' })
    ).completion;
  }
  await runtime.close();
  const measured = samples.slice(Math.floor(samples.length / 10));
  return [
    {
      name: 'accept-to-executor latency p50',
      value: round(quantile(measured, 0.5)),
      unit: 'us',
      target: 'p50 < 100 us',
    },
    { name: 'accept-to-executor latency p99', value: round(quantile(measured, 0.99)), unit: 'us' },
  ];
}
