// Child process of the recovery benchmark: opens the database, recovers every session with an executor
// from the factory, and reports the time from process start to all sessions ready.

import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { createRuntime } from '../dist/index.js';
import { openSqliteStore } from '../dist/sqlite.js';

const path = process.argv[2];
const hold = {
  apply: (_run, ctx) =>
    new Promise((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve({ status: 'cancelled' })),
    ),
};
const runtime = await createRuntime({
  store: await openSqliteStore(path),
  executorFactory: () => hold,
  pruneIntervalMs: 0,
});
const report = await runtime.recover({ concurrency: 32 });
const readyMs = performance.now();
const sessions = runtime.diagnostics().sessions.length;
process.stdout.write(
  `${JSON.stringify({ readyMs, sessions, recovered: report.recovered, failed: report.failed.length })}\n`,
);
await runtime.close({ signal: globalThis.AbortSignal.timeout(1) });
