// Child process of the kill-and-restart test: a runtime on a SQLite file registers sessions whose turns
// never finish, accepts inputs into each (one running, the others queued), prints `ready`, and waits to
// be killed.

import { createRuntime } from '../../src/runtime/runtime.js';
import type { Executor } from '../../src/runtime/executor.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [database, sessionCount, inputCount] = process.argv.slice(2) as [string, string, string];

const never: Executor = {
  apply: (_run, ctx) =>
    new Promise((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve({ status: 'cancelled' })),
    ),
};

const runtime = await createRuntime({ store: await openSqliteStore(database), pruneIntervalMs: 0 });
for (let s = 0; s < Number(sessionCount); s += 1) {
  await runtime.registerSessionWithExecutor(`s${s}`, never);
  for (let n = 0; n < Number(inputCount); n += 1)
    await runtime.acceptInput(`s${s}`, { kind: 'prompt', content: `input ${n}` });
}
process.stdout.write('ready\n');
// Until SIGKILL.
setInterval(() => undefined, 60_000);
