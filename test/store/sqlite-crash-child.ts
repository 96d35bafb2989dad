// Child process for the SQLite crash test: commits forever from several sessions at once and prints
// a line for every commit whose promise resolved, until the parent kills it with SIGKILL.

import { input, messages } from '../../src/store/conformance/fixtures.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const [path, synchronous] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: sqlite-crash-child <db path> [full|normal]');
const store = await openSqliteStore(path, {
  synchronous: synchronous === 'normal' ? 'normal' : 'full',
});

async function worker(session: string): Promise<never> {
  const runtimeId = runtimeIdOf(session);
  for (let n = 1; ; n += 1) {
    // Each commit adds one input and one transcript message, so a torn commit would show as a
    // transcript length that differs from the number of inputs.
    await store.commit(runtimeId, {
      inputs: [input(session, `in-${n}`, n, { status: 'consumed', runId: `run-${n}` })],
      transcript: messages(n - 1, 1, `run-${n}`),
    });
    process.stdout.write(`acked ${session} ${n}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(['w0', 'w1', 'w2', 'w3'].map(worker));
