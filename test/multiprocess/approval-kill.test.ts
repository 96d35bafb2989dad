// A process SIGKILLed between an approval request and its decision (issue 12): after the restart the
// approval is still pending, and approving it runs the tool exactly once (an append-only side file
// records every execution), however often the decision is repeated.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { saveNoteTool } from '../../src/executors/ai-sdk/example-tools.js';
import { openAiCompatibleExecutorFromEnv } from '../../src/executors/ai-sdk/openai-compatible.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { forwardStderr } from '../support/child-output.js';

const CHILD = fileURLToPath(new URL('./approval-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('approvals across a SIGKILL', () => {
  it('keeps the pending approval through a kill and a restart; approving runs the tool exactly once', async () => {
    const fake = await startFakeOpenAiServer([
      {
        type: 'tool_calls',
        calls: [{ id: 'call_1', name: 'saveNote', arguments: { note: 'buy milk' } }],
      },
    ]);
    cleanup.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'burrow-approval-kill-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const database = join(dir, 'burrow.db');
    const notes = join(dir, 'notes.txt');
    const child = spawn(
      process.execPath,
      ['--import', TSX, CHILD, database, `${fake.url}/v1`, notes],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    forwardStderr(child);
    cleanup.push(() => void child.kill('SIGKILL'));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    fake.enqueue({ type: 'text', text: 'Saved.' });
    const executor = () =>
      openAiCompatibleExecutorFromEnv(
        {
          OPENAI_BASE_URL: `${fake.url}/v1`,
          OPENAI_API_KEY: 'sk-fake',
          BURROW_MODEL: 'fake-model',
        },
        { settings: { maxRetries: 0 }, tools: { saveNote: saveNoteTool({ file: notes }) } },
      );
    const { runtime } = await testRuntime({
      store: await openSqliteStore(database),
      executorFactory: executor,
    });
    const [approval, ...others] = await runtime.listApprovals('s1');
    expect(others).toEqual([]);
    expect(approval).toMatchObject({ toolCallId: 'call_1', toolName: 'saveNote' });
    if (approval === undefined) return;
    const decision = { decision: 'approve', callHash: approval.callHash } as const;
    const first = await runtime.decideApproval('s1', approval.approvalId, decision);
    expect(await first.completion).toMatchObject({ status: 'completed', result: 'Saved.' });
    const again = await runtime.decideApproval('s1', approval.approvalId, decision);
    expect(again.status).toBe('deduplicated');
    expect(await readFile(notes, 'utf8')).toBe('buy milk\n');
    expect(fake.requests).toHaveLength(2);
  });
});
