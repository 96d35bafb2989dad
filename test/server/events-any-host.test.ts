// GET /v1/sessions/{id}/events on a host that does not own the session (issue 11): replay from the
// store and a live tail polled by seq, without activating or claiming the session there. Two runtimes
// on one database: a SQLite file, and PostgreSQL when BURROW_TEST_PG_URL is set.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { databaseFile } from '../support/temp-database.js';
import { closeHarnesses, expectProblem, openHarness } from './harness.js';
import { eventsOf, readSse } from './sse-reader.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

afterEach(closeHarnesses);

const RT = runtimeIdOf('s1');

async function scenario(open: () => Promise<RuntimeStore>): Promise<void> {
  // Host A owns s1 and runs a turn.
  const a = await testRuntime({ store: await open(), hostId: 'host-a', leaseTtlMs: 60_000 });
  await a.runtime.registerSessionWithExecutor('s1', echoExecutor());
  const turn = async (content: string): Promise<void> => {
    const { completion } = await a.runtime.acceptInput('s1', { kind: 'prompt', content });
    expect(await completion).toMatchObject({ status: 'completed' });
  };
  await turn('one');

  // Host B serves the session's events: replayed from the store, then new ones as A commits them.
  const b = await openHarness({
    runtimeOptions: { store: await open(), hostId: 'host-b', eventPollMs: 10, sweepIntervalMs: 0 },
  });
  const res = await b.request('/v1/sessions/s1/events?since=0');
  expect(res.status).toBe(200);
  const sse = readSse(res);
  const replay = eventsOf(await sse.until((f) => f.event === 'run.completed'));
  expect(replay.map((e) => e.seq)).toEqual(replay.map((_, i) => i + 1));
  expect(replay[0]?.type).toBe('session.registered');
  const last = replay.at(-1)?.seq as number;
  await turn('two');
  const live = eventsOf(await sse.until((f) => f.event === 'run.completed'));
  expect(live[0]?.seq).toBe(last + 1);
  expect(live.map((e) => e.seq)).toEqual(live.map((_, i) => last + 1 + i));
  expect(live.map((e) => e.type)).toContain('input.accepted');

  // What B streamed is what the store holds, and B neither claimed nor opened the session.
  const observer = await open();
  const stored = await observer.readEvents(RT, 0, 1000);
  expect([...replay, ...live].map((e) => [e.seq, e.type])).toEqual(
    stored.map((e) => [e.seq, e.type]),
  );
  expect(await observer.owner?.(RT)).toMatchObject({ hostId: 'host-a' });
  expect(b.runtime.diagnostics().sessions).toEqual([]);
  expect(b.runtime.diagnostics().ownership?.claims).toBe(0);
  await sse.cancel();
  expect(b.bundle.openStreams()).toBe(0);

  // Without a cursor only new events come. (The stream takes its starting point when it first reads
  // the store, after the response opened: the test gives it that time before the next turn.)
  const fresh = readSse(await b.request('/v1/sessions/s1/events'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await turn('three');
  const after = eventsOf(await fresh.until((f) => f.event === 'run.completed'));
  const first = after[0]?.seq as number;
  expect(first).toBeGreaterThan(live.at(-1)?.seq as number);
  expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => first + i));
  await fresh.cancel();
  await expectProblem(await b.request('/v1/sessions/nobody/events'), 404, 'session_not_found');
  await observer.close();
}

describe('events from a host that does not own the session, one SQLite file', () => {
  it('replays from the store and tails new events by seq, without claiming the session', async () => {
    const path = await databaseFile('burrow-events-any-host-');
    await scenario(() => openSqliteStore(path));
  });
});

describeWithPg('events from a host that does not own the session, PostgreSQL', (url) => {
  let schema: TestSchema;
  const stores: RuntimeStore[] = [];
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await closeHarnesses();
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await schema.drop();
  });

  it('replays from the store and tails new events by seq, without claiming the session', async () => {
    await scenario(async () => {
      const store = await openPostgresStore(url, { schema: schema.name, poolSize: 2 });
      stores.push(store);
      return store;
    });
  });
});
