// `burrow serve --executor openai-compatible` as a real process against the local fake OpenAI server:
// a tool turn end to end, an interrupt while the model is streaming, and a later turn that carries the
// history. Nothing leaves 127.0.0.1.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { cleanEnv, ensureBuilt, killChildren, spawnCli } from './support/cli-process.js';
import { api, startServe } from './support/serve-process.js';
import { openEvents } from './support/sse-client.js';

let fake: FakeOpenAiServer;
let dir: string;

beforeAll(ensureBuilt, 180_000);

beforeEach(async () => {
  fake = await startFakeOpenAiServer();
  dir = await mkdtemp(join(tmpdir(), 'burrow-openai-'));
});

afterEach(async () => {
  await killChildren();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function endpoint(): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: 'sk-e2e',
    BURROW_MODEL: 'fake-model',
  };
}

const prompt = (inputId: string, content: string) => ({ kind: 'prompt', inputId, content });

describe('burrow serve --executor openai-compatible (child process, fake server)', () => {
  it('runs a tool turn, is interrupted mid-stream, and keeps a history the next turn sends', async () => {
    const server = await startServe(
      ['--db', join(dir, 'runtime.db'), '--executor', 'openai-compatible', '--example-tools'],
      endpoint(),
    );
    const { url } = server;
    expect(server.listening).toMatchObject({ executor: 'openai-compatible' });
    await api(url, 'POST', '/v1/sessions', { id: 'agent' });
    const events = await openEvents(url, 'agent', { since: 0 });

    // 1. A tool round, then the answer.
    fake.enqueue(
      {
        type: 'tool_calls',
        calls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '6 * 7' } }],
      },
      { type: 'text', text: ['The answer ', 'is 42.'], usage: { prompt: 30, completion: 5 } },
    );
    const first = await api(
      url,
      'POST',
      '/v1/sessions/agent/inputs?wait=20s',
      prompt('q1', 'What is 6 * 7?'),
    );
    expect(first.status).toBe(200);
    expect(first.body['outcome']).toMatchObject({
      status: 'completed',
      result: 'The answer is 42.',
    });
    const [toolRequest] = fake.requests;
    expect(toolRequest?.headers.authorization).toBe('Bearer sk-e2e');
    expect(toolRequest?.body).toMatchObject({ model: 'fake-model', stream: true });
    expect(toolRequest?.body?.tools?.map((t) => t.function.name).sort()).toEqual([
      'calculator',
      'currentTime',
      'saveNote',
    ]);
    await events.waitFor(
      (e) =>
        e.type === 'run.progress' && JSON.stringify(e.data).includes('"toolName":"calculator"'),
    );

    // 2. The model streams one chunk and stalls; an interrupt cancels the turn and closes the request.
    fake.enqueue({ type: 'text', text: ['Once', ' upon', ' a time'], stallAfterChunks: 1 });
    expect(
      (await api(url, 'POST', '/v1/sessions/agent/inputs', prompt('q2', 'Tell me a long story')))
        .status,
    ).toBe(202);
    await events.waitFor(
      (e) => e.type === 'run.progress' && JSON.stringify(e.data).includes('"text":"Once"'),
    );
    expect(
      (await api(url, 'POST', '/v1/sessions/agent/interrupt', { reason: 'too long' })).status,
    ).toBeLessThan(300);
    await events.waitFor((e) => e.type === 'run.cancelled');
    expect(await fake.requests[2]?.ended).toBe('client_closed');
    const story = await api(url, 'GET', '/v1/sessions/agent/inputs/q2');
    expect(story.body['outcome']).toMatchObject({ status: 'cancelled' });

    // 3. The next turn carries the committed history: the first question, its tool call and its answer.
    fake.enqueue({ type: 'text', text: 'Still here.' });
    const third = await api(
      url,
      'POST',
      '/v1/sessions/agent/inputs?wait=20s',
      prompt('q3', 'Are you there?'),
    );
    expect(third.body['outcome']).toMatchObject({ status: 'completed', result: 'Still here.' });
    const sent = JSON.stringify(fake.requests[3]?.body?.messages ?? []);
    for (const fragment of ['What is 6 * 7?', 'call_1', 'The answer is 42.', 'Are you there?'])
      expect(sent).toContain(fragment);
    const history = await api(url, 'GET', '/v1/sessions/agent/history');
    expect((history.body['messages'] as unknown[]).length).toBeGreaterThanOrEqual(6);

    server.handle.child.kill('SIGTERM');
    expect((await server.handle.exited).code).toBe(0);
  });

  it('refuses a base URL that is not http(s) at startup (exit 2)', async () => {
    const handle = spawnCli(
      ['serve', '--executor', 'openai-compatible', '--db', join(dir, 'x.db'), '--port', '0'],
      {
        env: cleanEnv({ ...endpoint(), OPENAI_BASE_URL: 'ftp://127.0.0.1/v1' }),
      },
    );
    expect((await handle.exited).code).toBe(2);
    expect(handle.stderr.join('\n')).toMatch(/OPENAI_BASE_URL is not an http\(s\) URL/);
    expect(fake.requests).toHaveLength(0);
  });
});
