// After a clean restart, the HTTP API finds every session the store knows without a client POSTing it
// again: an idle session's terminal input, its event stream with replay, and the session list.

import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { body, closeHarnesses, expectProblem, openHarness } from './harness.js';
import { readSse } from './sse-reader.js';
import { databaseFile } from '../support/temp-database.js';

afterEach(closeHarnesses);

describe('after a clean restart', () => {
  it("serves an idle session's terminal input, its event stream and the session list with no POST", async () => {
    const path = await databaseFile('burrow-restart-');
    const before = await openHarness({ runtimeOptions: { store: await openSqliteStore(path) } });
    await before.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    const accepted = await body<{ inputId: string }>(
      await before.request('/v1/sessions/s1/inputs?wait=5000', {
        method: 'POST',
        body: { kind: 'prompt', content: 'before the restart' },
      }),
    );
    await closeHarnesses();

    const after = await openHarness({ runtimeOptions: { store: await openSqliteStore(path) } });
    const record = await body<{ state: { status: string } }>(
      await after.request(`/v1/sessions/s1/inputs/${accepted.inputId}`),
    );
    expect(record.state.status).toBe('consumed');
    const stop = new AbortController();
    const stream = readSse(
      await after.request('/v1/sessions/s1/events?since=0', { signal: stop.signal }),
    );
    const frames = await stream.until((frame) => frame.event === 'run.completed');
    expect(frames.find((f) => f.event !== undefined)).toMatchObject({
      id: '1',
      event: 'session.registered',
    });
    stop.abort();
    await stream.cancel();
    expect(await body(await after.request('/v1/sessions'))).toMatchObject({
      sessions: [{ sessionId: 's1' }],
    });
    await expectProblem(
      await after.request('/v1/sessions/unknown/events'),
      404,
      'session_not_found',
    );
  });
});
