// startServer over a real socket on 127.0.0.1: SSE, disconnects, uploads over the limit, close, refusals.

import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { RunningServer, ServerOptions } from '../../src/server/server.js';
import { startServer } from '../../src/server/server.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { captureLogger, createGate } from './harness.js';
import { eventsOf, readSse } from './sse-reader.js';

const servers: RunningServer[] = [];
const runtimes: Runtime[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

async function start(
  options: Partial<ServerOptions> = {},
): Promise<{ server: RunningServer; runtime: Runtime }> {
  const runtime = await createRuntime({ store: memoryStore() });
  runtimes.push(runtime);
  const server = await startServer({
    runtime,
    executorFactory: () => echoExecutor(),
    host: '127.0.0.1',
    port: 0,
    logger: captureLogger(),
    ...options,
  });
  servers.push(server);
  return { server, runtime };
}

async function openStreams(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^burrow_sse_streams (\d+)$/m.exec(text)?.[1]);
}

describe('startServer', () => {
  it('serves over a real socket on 127.0.0.1 and reports the bound url', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/v1/sessions`, { method: 'POST', body: '{"id":"s1"}' });
    expect(res.status).toBe(201);
  });

  it('streams SSE: replays after Last-Event-ID, then live events, and ends cleanly when the server closes', async () => {
    const { server } = await start();
    await fetch(`${server.url}/v1/sessions`, { method: 'POST', body: '{"id":"s1"}' });
    const first = await fetch(`${server.url}/v1/sessions/s1/inputs?wait=5s`, {
      method: 'POST',
      body: '{"kind":"prompt","content":"one"}',
    });
    expect(first.status).toBe(200);
    const res = await fetch(`${server.url}/v1/sessions/s1/events`, {
      headers: { 'last-event-id': '2' },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const sse = readSse(res);
    const replayed = eventsOf(await sse.until((f) => f.event === 'run.completed'));
    expect(replayed[0]?.seq).toBe(3);
    expect(replayed.map((e) => e.seq)).toEqual(replayed.map((_, i) => i + 3));
    const live = fetch(`${server.url}/v1/sessions/s1/inputs`, {
      method: 'POST',
      body: '{"kind":"prompt","content":"two"}',
    });
    const more = eventsOf(await sse.until((f) => f.event === 'run.completed'));
    expect((await live).status).toBe(202);
    expect(more[0]?.seq).toBe((replayed.at(-1)?.seq ?? 0) + 1);
    expect(more[0]?.type).toBe('input.accepted');
    await server.close();
    const tail = await sse.until((f) => f.event === 'end');
    expect(JSON.parse(tail.at(-1)?.data as string)).toEqual({ reason: 'server_shutdown' });
    expect(await sse.next()).toBeNull();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('replays thousands of events to a reading client without overflowing', async () => {
    const { server, runtime } = await start();
    await runtime.registerSessionWithExecutor('big', echoExecutor());
    let last = '';
    for (let i = 0; i < 400; i += 1) {
      last = (await runtime.acceptInput('big', { kind: 'prompt', content: `${i}` })).inputId;
    }
    const done = (await runtime.acceptInput('big', { kind: 'prompt', content: 'end' })).completion;
    await done;
    const sse = readSse(await fetch(`${server.url}/v1/sessions/big/events?since=0`));
    const frames = await sse.until(
      (f) => f.event === 'input.consumed' && f.data?.includes(last) === true,
    );
    const events = eventsOf(frames);
    expect(events.length).toBeGreaterThan(3000);
    // Strictly increasing; the only gaps are live-only run.progress events (never stored).
    expect(events.every((e, i) => i === 0 || e.seq > (events[i - 1]?.seq ?? 0))).toBe(true);
    expect(frames.some((f) => f.event === 'end')).toBe(false);
    await sse.cancel();
  });

  it('cleans up a stream whose client disconnects', async () => {
    const { server } = await start({ heartbeatMs: 5 });
    await fetch(`${server.url}/v1/sessions`, { method: 'POST', body: '{"id":"s1"}' });
    const client = new AbortController();
    const res = await fetch(`${server.url}/v1/sessions/s1/events`, { signal: client.signal });
    const sse = readSse(res);
    await sse.until((f) => f.comment === 'heartbeat');
    expect(await openStreams(server.url)).toBe(1);
    client.abort();
    let open = 1;
    for (let tries = 0; tries < 1000 && open > 0; tries += 1) open = await openStreams(server.url);
    expect(open).toBe(0);
  });

  it('answers a pending ?wait= and closes while a turn is still held open', async () => {
    const gate = createGate();
    const { server } = await start({
      executorFactory: () => scriptedExecutor([{ gate: () => gate.wait() }]),
    });
    await fetch(`${server.url}/v1/sessions`, { method: 'POST', body: '{"id":"s1"}' });
    const waiting = fetch(`${server.url}/v1/sessions/s1/inputs?wait=1m`, {
      method: 'POST',
      body: '{"kind":"prompt","content":"held"}',
    });
    await gate.entered;
    const closing = server.close();
    expect((await waiting).status).toBe(202);
    await closing;
    await server.close();
    gate.open();
  });

  it('closes connections that never sent a request instead of waiting for them', async () => {
    const { server } = await start({ closeGraceMs: 600_000 });
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const ended = once(socket, 'close');
    await server.close();
    await ended;
  });

  it('refuses a chunked upload over the limit with 413 as soon as it passes the limit', async () => {
    const { server, runtime } = await start({ maxBodyBytes: 64 * 1024 });
    await runtime.registerSession('s1');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/sessions/s1/inputs`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Chunked (no Content-Length): write until the server answers; it must not wait for the end.
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = (): void => {
        while (!req.destroyed && req.write(chunk));
        if (!req.destroyed) req.once('drain', pump);
      };
      req.once('response', () => req.destroy());
      pump();
    });
    expect(status).toBe(413);
    expect((await runtime.snapshot('s1')).inputs.queued).toBe(0);
  });

  it('refuses to listen on a non-loopback address without a token', async () => {
    const runtime = await createRuntime();
    runtimes.push(runtime);
    await expect(
      startServer({ runtime, executorFactory: () => echoExecutor(), host: '0.0.0.0', port: 0 }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('refusing to listen on 0.0.0.0 without a token') as unknown,
    });
  });

  it('listens on a non-loopback address with a token, and requires it', async () => {
    const { server } = await start({ host: '0.0.0.0', token: 'sesame' });
    const port = new URL(server.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/v1/sessions`)).status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/v1/sessions`, {
      headers: { authorization: 'Bearer sesame' },
    });
    expect(ok.status).toBe(200);
  });

  it('rejects when the port is taken, and leaves nothing open', async () => {
    const { server } = await start();
    const port = Number(new URL(server.url).port);
    await expect(start({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('answers requests Node.js refuses before routing (bad Content-Length, oversized headers) as problem+json', async () => {
    const { server } = await start();
    const { port } = new URL(server.url);
    const raw = async (text: string): Promise<{ status: number; type: string; body: unknown }> => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.end(text);
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      await once(socket, 'close');
      const [head = '', payload = ''] = received.split('\r\n\r\n');
      return {
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
        type: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '',
        body: JSON.parse(payload) as unknown,
      };
    };
    const badLength = await raw(
      'POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: twelve\r\n\r\n{}',
    );
    expect(badLength).toMatchObject({
      status: 400,
      type: 'application/problem+json',
      body: {
        status: 400,
        code: 'validation_failed',
        type: 'urn:burrow:problem:validation_failed',
      },
    });
    const huge = await raw(
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toMatchObject({
      status: 431,
      type: 'application/problem+json',
      body: { status: 431, code: 'headers_too_large', title: 'Request headers too large' },
    });
    // The server still answers.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
