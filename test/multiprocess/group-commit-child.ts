// Child process of the group-commit kill test: a runtime on a SQLite file with one session that runs
// every turn (echo), and ten callers accepting into it concurrently without end. Each acknowledged
// input id is printed on stdout once its accept returned, i.e. once it is durable; the parent kills
// this process with SIGKILL at a moment of its choosing.

import { echoExecutor } from '../../src/executors/echo-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [database, hostId] = process.argv.slice(2) as [string, string];

const runtime = await createRuntime({
  store: await openSqliteStore(database),
  pruneIntervalMs: 0,
  hostId,
  maxQueuedInputs: 100_000,
});
await runtime.registerSessionWithExecutor('s1', echoExecutor());
process.stdout.write('ready\n');

async function caller(c: number): Promise<void> {
  for (let i = 0; ; i += 1) {
    const inputId = `c${c}-${i}`;
    await runtime.acceptInput('s1', { kind: 'prompt', content: inputId, inputId });
    process.stdout.write(`${inputId}\n`);
  }
}
await Promise.all(Array.from({ length: 10 }, (_, c) => caller(c)));
