// Child process of the two-process test: a runtime on a shared SQLite file tries to register every
// session; for each one it wins it runs turns, recording each run (pid, session, run id) in a side file.

import { appendFileSync } from 'node:fs';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Executor } from '../../src/runtime/executor.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [database, sideFile, sessionCount, startAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const sessions = Array.from({ length: Number(sessionCount) }, (_, i) => `s${i}`);

const recorder: Executor = {
  apply: (run) => {
    appendFileSync(sideFile, `${process.pid} ${run.sessionId} ${run.runId}\n`);
    return Promise.resolve({ status: 'completed', output: process.pid });
  },
};

// Both children start racing at the same wall-clock instant, so the claims truly interleave.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const runtime = await createRuntime({ store: await openSqliteStore(database), pruneIntervalMs: 0 });
const owned: string[] = [];
const refused: string[] = [];
for (const sessionId of sessions) {
  try {
    await runtime.registerSessionWithExecutor(sessionId, recorder);
    owned.push(sessionId);
  } catch (error: unknown) {
    if ((error as { code?: string }).code !== 'fenced') throw error;
    refused.push(sessionId);
  }
}
for (const sessionId of owned) {
  for (let n = 0; n < 3; n += 1) {
    await (
      await runtime.acceptInput(sessionId, { kind: 'prompt', content: `turn ${n}` })
    ).completion;
  }
}
process.stdout.write(`${JSON.stringify({ pid: process.pid, owned, refused })}\n`);
// Keep the leases until the parent has read both reports, then let go.
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
await runtime.close();
