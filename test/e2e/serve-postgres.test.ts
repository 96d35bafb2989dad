// `burrow serve --pg` as a real process on a real PostgreSQL (a schema of its own): a prompt is
// accepted, the server is SIGKILLed mid-turn, a restart on the same database recovers the session
// at once (the dead process's lease is taken over) and the input finishes, exactly once.

import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { ensureBuilt, killChildren } from './support/cli-process.js';
import { api, startServe } from './support/serve-process.js';
import { openEvents } from './support/sse-client.js';

// Three steps of 1 s: long enough that the kill lands mid-turn, short enough to finish after it.
const TURN = { stepMs: 1_000 };

describeWithPg('burrow serve --pg', (url) => {
  let schema: TestSchema;

  beforeAll(ensureBuilt, 180_000);
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await killChildren();
    await schema.drop();
  });

  const serve = () =>
    startServe(['--pg', url, '--pg-schema', schema.name, '--executor', 'scripted']);

  it('runs on PostgreSQL, and after a SIGKILL mid-turn a restart finishes the input exactly once', async () => {
    const first = await serve();
    expect(first.listening).toMatchObject({ store: 'postgres', recovered: 0 });
    expect((await api(first.url, 'POST', '/v1/sessions', { id: 's1' })).status).toBe(201);
    const events = await openEvents(first.url, 's1', { since: 0 });
    const accepted = await api(first.url, 'POST', '/v1/sessions/s1/inputs', {
      kind: 'prompt',
      content: 'prompt A',
      inputId: 'A',
      metadata: TURN,
    });
    expect(accepted.status).toBe(202);
    await events.waitFor((e) => e.type === 'run.started');
    first.handle.child.kill('SIGKILL');
    expect((await first.handle.exited).signal).toBe('SIGKILL');

    const observer = await openPostgresStore(url, { schema: schema.name });
    try {
      // The killed turn left its input live (staged for the run), not consumed.
      const before = await observer.load(runtimeIdOf('s1'));
      expect(before?.inputs.map((input) => input.header.inputId)).toEqual(['A']);
      expect(['queued', 'staged', 'applied']).toContain(before?.inputs[0]?.state.status);

      const second = await serve();
      expect(second.listening).toMatchObject({ store: 'postgres', recovered: 1 });
      const replay = await openEvents(second.url, 's1', { since: 0 });
      await replay.waitFor(
        (e) => e.type === 'input.consumed' && (e.data as { inputId: string }).inputId === 'A',
        30_000,
      );
      const a = await api(second.url, 'GET', '/v1/sessions/s1/inputs/A');
      expect(a.body['outcome']).toMatchObject({ status: 'completed', result: ['prompt A'] });
      const receipts = await observer.readReceipts(runtimeIdOf('s1'), 0, 10);
      expect(receipts.map((receipt) => receipt.inputIds)).toEqual([['A']]);
      const lease = await observer.owner(runtimeIdOf('s1'));
      expect(lease?.hostId).toMatch(new RegExp(`/${second.handle.child.pid}/`));
    } finally {
      await observer.close();
    }
  });

  it('a second server on the same database forwards an input for a session the first one owns', async () => {
    const [first, second] = await Promise.all([serve(), serve()]);
    expect((await api(first.url, 'POST', '/v1/sessions', { id: 's2' })).status).toBe(201);
    const forwarded = await api(second.url, 'POST', '/v1/sessions/s2/inputs?wait=10s', {
      kind: 'prompt',
      content: 'elsewhere',
      metadata: { stepMs: 0 },
    });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body['outcome']).toMatchObject({ status: 'completed' });
    const served = await api(first.url, 'POST', '/v1/sessions/s2/inputs?wait=10s', {
      kind: 'prompt',
      content: 'here',
      metadata: { stepMs: 0 },
    });
    expect(served.body['outcome']).toMatchObject({ status: 'completed' });
    // Reads through the second server are the owner's answers.
    const history = await api(second.url, 'GET', '/v1/sessions/s2/history');
    expect(history.body).toEqual((await api(first.url, 'GET', '/v1/sessions/s2/history')).body);
  });
});
