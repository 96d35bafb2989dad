// Child process of the approval kill test: a runtime on a SQLite file whose agent (the fake
// OpenAI-compatible model) asks to run `saveNote`; once the approval is pending it prints `ready` and
// waits to be killed.

import { openAiCompatibleExecutorFromEnv } from '../../src/executors/ai-sdk/openai-compatible.js';
import { saveNoteTool } from '../../src/executors/ai-sdk/example-tools.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [database, baseUrl, notes] = process.argv.slice(2) as [string, string, string];

const runtime = await createRuntime({ store: await openSqliteStore(database), pruneIntervalMs: 0 });
const executor = openAiCompatibleExecutorFromEnv(
  { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-fake', BURROW_MODEL: 'fake-model' },
  { settings: { maxRetries: 0 }, tools: { saveNote: saveNoteTool({ file: notes }) } },
);
await runtime.registerSessionWithExecutor('s1', executor);
const accepted = await runtime.acceptInput('s1', { kind: 'prompt', content: 'save: buy milk' });
await accepted.completion;
const [approval] = await runtime.listApprovals('s1');
process.stdout.write(approval === undefined ? 'no approval\n' : 'ready\n');
// Until SIGKILL.
setInterval(() => undefined, 60_000);
