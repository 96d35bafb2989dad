// Child process of the idle-sessions benchmark: registers N idle sessions with the compiled runtime
// (plain node, as in production) and prints its memory use. Run by bench/idle-sessions.bench.ts.

import process from 'node:process';
import { createRuntime } from '../dist/index.js';

const count = Number(process.argv[2] ?? 100_000);
globalThis.gc?.();
const baseline = process.memoryUsage();
const runtime = await createRuntime();
for (let i = 0; i < count; i += 1) await runtime.registerSession(`s${i}`);
globalThis.gc?.();
const after = process.memoryUsage();
const registered = runtime.diagnostics().sessions.length;
process.stdout.write(
  `${JSON.stringify({ registered, rss: after.rss, heapUsed: after.heapUsed, baselineRss: baseline.rss, baselineHeap: baseline.heapUsed })}\n`,
);
await runtime.close();
