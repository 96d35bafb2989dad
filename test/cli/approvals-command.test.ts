// `burrow approvals`, `burrow approve` and `burrow deny` against an in-process server whose agent (the
// fake OpenAI-compatible model) asks to run the saveNote example tool.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApprovals, runDecide } from '../../src/cli/approvals-command.js';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { saveNoteTool } from '../../src/executors/ai-sdk/example-tools.js';
import { openAiCompatibleExecutorFromEnv } from '../../src/executors/ai-sdk/openai-compatible.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { recordingIo } from './recording-io.js';

let runtime: Runtime;
let server: RunningServer;
let fake: FakeOpenAiServer;
let dir: string;
let env: { BURROW_URL: string };

beforeEach(async () => {
  fake = await startFakeOpenAiServer();
  dir = await mkdtemp(join(tmpdir(), 'burrow-cli-approvals-'));
  runtime = await createRuntime();
  const executor = () =>
    openAiCompatibleExecutorFromEnv(
      { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-fake', BURROW_MODEL: 'fake-model' },
      {
        settings: { maxRetries: 0 },
        tools: { saveNote: saveNoteTool({ file: join(dir, 'notes.txt') }) },
      },
    );
  server = await startServer({ runtime, executorFactory: executor, host: '127.0.0.1', port: 0 });
  env = { BURROW_URL: server.url };
  await runtime.registerSessionWithExecutor('s1', executor());
});

afterEach(async () => {
  await server.close();
  await runtime.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function ask(note: string): Promise<string> {
  fake.enqueue({
    type: 'tool_calls',
    calls: [{ id: `call_${note}`, name: 'saveNote', arguments: { note } }],
  });
  await (
    await runtime.acceptInput('s1', { kind: 'prompt', content: note })
  ).completion;
  const [approval] = await runtime.listApprovals('s1');
  if (approval === undefined) throw new Error('no approval');
  return approval.approvalId;
}

describe('approval commands', () => {
  it('lists a pending call; approve runs it and prints the outcome; approving again says so', async () => {
    const id = await ask('buy milk');
    const list = recordingIo({ interactive: false });
    expect(await runApprovals(undefined, {}, { io: list.io, env })).toBe(EXIT.ok);
    expect(list.stdout.join('\n')).toMatch(
      new RegExp(
        `approval\\s+session\\s+tool\\s+input\\s+expires[\\s\\S]*${id}\\s+s1\\s+saveNote\\s+\\{"note":"buy milk"\\}`,
      ),
    );
    fake.enqueue({ type: 'text', text: 'Saved.' });
    const approve = recordingIo({ interactive: false });
    expect(await runDecide(id, 'approve', {}, { io: approve.io, env })).toBe(EXIT.ok);
    expect(approve.stdout[0]).toBe(`approved ${id}: saveNote {"note":"buy milk"} (session s1)`);
    expect(approve.stdout[1]).toMatch(/^outcome \{"status":"completed".*"Saved\."/);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('buy milk\n');
    const none = recordingIo({ interactive: false });
    expect(await runApprovals('s1', {}, { io: none.io, env })).toBe(EXIT.ok);
    expect(none.stdout).toEqual(['no pending approvals']);
    const again = await runDecide(id, 'approve', { session: 's1' }, { io: approve.io, env }).catch(
      (e: unknown) => e,
    );
    expect(exitCodeFor(again)).toBe(EXIT.failure);
  });

  it('deny --reason tells the agent why, and the tool never runs', async () => {
    const id = await ask('delete everything');
    fake.enqueue({ type: 'text', text: 'OK, I will not.' });
    const deny = recordingIo({ interactive: false });
    expect(
      await runDecide(id, 'deny', { reason: 'too risky', json: true }, { io: deny.io, env }),
    ).toBe(EXIT.ok);
    expect(JSON.parse(deny.stdout[0] ?? '{}')).toMatchObject({
      sessionId: 's1',
      status: 'accepted',
      outcome: { status: 'completed', result: 'OK, I will not.' },
    });
    expect(JSON.stringify((await fake.request(1)).body)).toContain('too risky');
    await expect(readFile(join(dir, 'notes.txt'), 'utf8')).rejects.toThrow();
  });
});
