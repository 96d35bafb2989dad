// `burrow/client` against a real server on 127.0.0.1: every call typed by the document, refusals as
// BurrowApiError with the problem, events as an async iterator that replays, resumes and ends.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BurrowApiError, BurrowUnreachableError } from '../../src/client/client-errors.js';
import { createBurrowClient, type BurrowClient } from '../../src/client/http-client.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { createGate } from '../server/harness.js';

const TOKEN = 'client-token';
let runtime: Runtime;
let server: RunningServer;
let client: BurrowClient;

beforeEach(async () => {
  runtime = await createRuntime();
  server = await startServer({
    runtime,
    executorFactory: () => echoExecutor(),
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
  });
  client = createBurrowClient({ url: server.url, token: TOKEN });
});

afterEach(async () => {
  await server.close();
  await runtime.close();
});

describe('burrow/client', () => {
  it('registers, sends with wait, and reads the input, the inputs and the history back', async () => {
    expect(await client.registerSession('s1')).toMatchObject({
      created: true,
      session: { sessionId: 's1', phase: 'attached' },
    });
    expect((await client.registerSession('s1')).created).toBe(false);
    const answer = await client.send('s1', { kind: 'prompt', content: 'hi' }, { wait: '5s' });
    expect(answer).toMatchObject({ finished: true, status: 'accepted' });
    expect(answer.outcome?.status).toBe('completed');
    const record = await client.getInput('s1', answer.inputId);
    expect(record.payload).toEqual({ kind: 'prompt', content: 'hi' });
    expect(record.state.status).toBe('consumed');
    expect((await client.listInputs('s1')).inputs.map((i) => i.header.inputId)).toEqual([
      answer.inputId,
    ]);
    const history = await client.getHistory('s1', { limit: 1 });
    expect(history).toMatchObject({ total: 2, nextOffset: 1 });
    expect((await client.listSessions({ search: 's' })).total).toBe(1);
    const later = await client.send('s1', { kind: 'prompt', content: 'later' });
    expect(later.finished).toBe(false);
  });

  it('interrupts (saying whether a turn ran), runs the control operations and unregisters', async () => {
    const gate = createGate();
    await runtime.registerSessionWithExecutor('s2', scriptedExecutor([{ gate: gate.wait }]));
    expect(await client.interrupt('s2')).toEqual({ interrupted: false, runId: null });
    const sent = await client.send('s2', { kind: 'prompt', content: 'long' });
    await gate.entered;
    const result = await client.interrupt('s2', 'enough');
    expect(result.interrupted).toBe(true);
    expect((await client.getInput('s2', sent.inputId)).outcome).toMatchObject({
      status: 'cancelled',
      runId: result.runId,
      reason: 'enough',
    });
    await client.control('s2', 'retire');
    expect((await client.getSession('s2')).phase).toBe('retired');
    await client.unregisterSession('s2');
    gate.open();
  });

  it('throws BurrowApiError with the problem for refusals, and refuses a malformed wait before sending', async () => {
    const missing = await client.getSession('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BurrowApiError);
    expect(missing).toMatchObject({
      status: 404,
      code: 'session_not_found',
      problem: { sessionId: 'nope' },
    });
    const anonymous = createBurrowClient({ url: server.url });
    expect(await anonymous.listSessions().catch((e: unknown) => e)).toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    await expect(
      client.send('s1', { kind: 'prompt', content: 'x' }, { wait: '5x' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('throws BurrowUnreachableError when nothing listens, and rejects with the reason when aborted', async () => {
    await server.close();
    const error = await client.listSessions().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BurrowUnreachableError);
    expect(error).toMatchObject({ reason: 'ECONNREFUSED' });
    const stop = new AbortController();
    const reason = new Error('stopped by the test');
    stop.abort(reason);
    await expect(client.listSessions({}, { signal: stop.signal })).rejects.toBe(reason);
  });

  it('iterates a session’s events: replay from a cursor, live events, the end when it is unregistered', async () => {
    await client.registerSession('s3');
    await client.send('s3', { kind: 'prompt', content: 'one' }, { wait: '5s' });
    const seen: RuntimeEvent[] = [];
    const ends: string[] = [];
    const reading = (async () => {
      for await (const event of client.events('s3', { since: 2, onEnd: (r) => ends.push(r) })) {
        seen.push(event);
        if (
          event.type === 'run.completed' &&
          seen.filter((e) => e.type === 'run.completed').length === 1
        ) {
          await client.send('s3', { kind: 'prompt', content: 'two' }, { wait: '5s' });
          await client.unregisterSession('s3');
        }
      }
    })();
    await reading;
    expect(seen[0]?.seq).toBe(3);
    // Durable events are gapless from the cursor; transient ones (run.progress) carry no seq.
    const durable = seen.filter((e) => e.seq !== null);
    expect(durable.map((e) => e.seq)).toEqual(durable.map((_, i) => i + 3));
    expect(seen.filter((e) => e.seq === null).every((e) => e.type === 'run.progress')).toBe(true);
    expect(seen.filter((e) => e.type === 'run.completed')).toHaveLength(2);
    expect(seen.at(-1)?.type).toBe('session.unregistered');
    expect(ends).toEqual(['session_ended']);
  });

  it('stops iterating when its signal aborts, rejecting with the reason', async () => {
    await client.registerSession('s4');
    const stop = new AbortController();
    const reason = new Error('enough events');
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of client.events('s4', { since: 0, signal: stop.signal })) {
        seen.push(event.type);
        stop.abort(reason);
      }
    })();
    await expect(reading).rejects.toBe(reason);
    expect(seen).toEqual(['session.registered']);
  });
});
