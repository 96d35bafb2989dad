// Every error code and the status table; routing, body, auth and cross-site refusals; store and internal failures.

import { afterEach, describe, expect, it } from 'vitest';
import { BurrowError, ERROR_CODES } from '../../src/core/errors.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { createApp } from '../../src/server/app.js';
import { errorResponse } from '../../src/server/error-response.js';
import { STATUS_BY_CODE } from '../../src/server/problem.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { captureLogger, closeHarnesses, expectProblem, openHarness } from './harness.js';

afterEach(closeHarnesses);

/** A memory store whose commits fail with `failure` while it is set. */
function faultyStore(): { store: RuntimeStore; fail(error: Error | null): void } {
  const inner = memoryStore();
  let failure: Error | null = null;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'commit') {
        return (...args: Parameters<RuntimeStore['commit']>) =>
          failure === null ? target.commit(...args) : Promise.reject(failure);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { store, fail: (error) => (failure = error) };
}

describe('the status table', () => {
  it('maps every runtime error code to the status of 03', () => {
    const fromSpec = {
      session_not_found: 404,
      not_ready: 409,
      destroyed: 410,
      session_busy: 409,
      validation_failed: 400,
      idempotency_conflict: 409,
      queue_full: 429,
      fenced: 409,
      store_unavailable: 503,
      unauthorized: 401,
      payload_too_large: 413,
      internal: 500,
      // Issue 12: decisions on tool-call approvals (documented in docs/http.md).
      approval_not_found: 404,
      approval_mismatch: 409,
    };
    expect(Object.fromEntries(ERROR_CODES.map((code) => [code, STATUS_BY_CODE[code]]))).toEqual(
      fromSpec,
    );
  });

  it('turns each code into a problem body with its details and no stack', async () => {
    for (const code of ERROR_CODES) {
      const error = new BurrowError(code, `message for ${code}`, {
        sessionId: 's1',
        phase: 'idle',
      });
      const log = captureLogger();
      const res = errorResponse(error, log, new Request('http://localhost/x'));
      const problem = await expectProblem(res, STATUS_BY_CODE[code], code);
      expect(problem).toMatchObject({ sessionId: 's1', phase: 'idle' });
      expect(problem['detail']).toBe(
        code === 'internal'
          ? 'an unexpected error occurred; it has been logged on the server'
          : `message for ${code}`,
      );
      expect(log.lines.length > 0).toBe(code === 'internal' || code === 'store_unavailable');
    }
  });
});

describe('routing errors', () => {
  it('answers unknown paths with 404 route_not_found and wrong methods with 405 and Allow', async () => {
    const h = await openHarness();
    await expectProblem(await h.request('/v2/sessions'), 404, 'route_not_found');
    await expectProblem(await h.request('/v1/sessions/'), 404, 'route_not_found');
    const res = await h.request('/v1/sessions', { method: 'PATCH' });
    await expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toBe('POST, GET, HEAD');
    const one = await h.request('/v1/sessions/s1', { method: 'PUT' });
    await expectProblem(one, 405, 'method_not_allowed');
    expect(one.headers.get('allow')).toBe('GET, HEAD, DELETE');
    await expectProblem(await h.request('/v1/sessions/s1/interrupt'), 405, 'method_not_allowed');
    await expectProblem(
      await h.request('/v1/sessions', { method: 'OPTIONS' }),
      405,
      'method_not_allowed',
    );
  });
});

describe('body errors', () => {
  it('refuses malformed JSON and non-UTF-8 bodies with validation_failed', async () => {
    const h = await openHarness();
    await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: '{"id": ' }),
      400,
      'validation_failed',
    );
    const res = await h.bundle.app.request('/v1/sessions', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    await expectProblem(res, 400, 'validation_failed');
    expect(await h.runtime.listSessions()).toEqual([]);
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const h = await openHarness({ maxBodyBytes: 1024 });
    const res = await h.request('/v1/sessions', {
      method: 'POST',
      body: '{}',
      headers: { 'content-length': '5000' },
    });
    const problem = await expectProblem(res, 413, 'payload_too_large');
    expect(problem['limit']).toBe(1024);
  });

  it('refuses a streamed body once it passes the limit, whatever it declared', async () => {
    const h = await openHarness({ maxBodyBytes: 1024 });
    await h.runtime.registerSession('s1');
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode('x'.repeat(100)));
      },
    });
    const res = await h.bundle.app.request('/v1/sessions/s1/inputs', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    });
    await expectProblem(res, 413, 'payload_too_large');
    expect(pulled).toBeLessThan(100);
  });

  it('uses a 1 MiB limit by default', async () => {
    const h = await openHarness();
    const big = `"${'x'.repeat(1024 * 1024 - 2)}"`;
    const atLimit = await h.request('/v1/sessions', { method: 'POST', body: big });
    await expectProblem(atLimit, 400, 'validation_failed');
    await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: `${big} ` }),
      413,
      'payload_too_large',
    );
  });
});

describe('authentication and cross-site requests', () => {
  it('requires the bearer token on the API when one is configured, and keeps health, readiness and the page open', async () => {
    const h = await openHarness({ token: 'sesame' });
    const none = await h.request('/v1/sessions');
    await expectProblem(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="burrow"');
    await expectProblem(
      await h.request('/v1/sessions', { headers: { authorization: 'Bearer sesam' } }),
      401,
      'unauthorized',
    );
    await expectProblem(
      await h.request('/v1/sessions', { headers: { authorization: 'Basic c2VzYW1l' } }),
      401,
      'unauthorized',
    );
    await expectProblem(await h.request('/metrics'), 401, 'unauthorized');
    await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } }),
      401,
      'unauthorized',
    );
    expect(await h.runtime.listSessions()).toEqual([]);
    expect(
      (await h.request('/v1/sessions', { headers: { authorization: 'Bearer sesame' } })).status,
    ).toBe(200);
    expect(
      (await h.request('/v1/sessions', { headers: { authorization: 'bearer  sesame' } })).status,
    ).toBe(200);
    for (const open of ['/healthz', '/readyz', '/', '/static/app.js']) {
      expect((await h.request(open)).status).toBe(200);
    }
  });

  it('accepts ?token= only on the event-stream routes', async () => {
    const h = await openHarness({ token: 'sesame' });
    await h.runtime.registerSession('s1');
    await expectProblem(await h.request('/v1/sessions?token=sesame'), 401, 'unauthorized');
    await expectProblem(await h.request('/v1/sessions/s1/events?token=wrong'), 401, 'unauthorized');
    for (const path of ['/v1/sessions/s1/events?token=sesame', '/v1/events?token=sesame']) {
      const res = await h.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await res.body?.cancel();
    }
  });

  it('refuses cross-origin requests, and non-loopback hosts when no token is configured', async () => {
    const h = await openHarness();
    await expectProblem(
      await h.request('/v1/sessions', {
        method: 'POST',
        body: {},
        headers: { origin: 'http://evil.example' },
      }),
      401,
      'unauthorized',
    );
    await expectProblem(
      await h.request('/v1/sessions', { headers: { origin: 'null' } }),
      401,
      'unauthorized',
    );
    expect(
      (await h.request('/v1/sessions', { headers: { origin: 'http://localhost' } })).status,
    ).toBe(200);
    await expectProblem(
      await h.bundle.app.request('http://rebound.example/v1/sessions'),
      401,
      'unauthorized',
    );
    for (const host of ['127.0.0.1:7420', '[::1]:7420', 'localhost', '127.1.2.3']) {
      expect((await h.bundle.app.request(`http://${host}/v1/sessions`)).status).toBe(200);
    }
    await expectProblem(
      await h.bundle.app.request('http://127.0.0.1.nip.io/v1/sessions'),
      401,
      'unauthorized',
    );
    expect(await h.runtime.listSessions()).toEqual([]);
    const withToken = await openHarness({ token: 't' });
    const res = await withToken.bundle.app.request('http://burrow.internal/v1/sessions', {
      headers: { authorization: 'Bearer t' },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a token no client could send, and nonsensical limits, at creation', async () => {
    const runtime = await createRuntime();
    try {
      for (const token of ['', ' ', 'two words', 'tab\tinside', ' padded', 'caf\u00e9']) {
        expect(() => createApp({ runtime, executorFactory: () => echoExecutor(), token })).toThrow(
          expect.objectContaining({ code: 'validation_failed' }),
        );
      }
      for (const bad of [{ heartbeatMs: 0 }, { maxBodyBytes: -1 }, { maxWaitMs: 1.5 }]) {
        expect(() => createApp({ runtime, executorFactory: () => echoExecutor(), ...bad })).toThrow(
          expect.objectContaining({ code: 'validation_failed' }),
        );
      }
    } finally {
      await runtime.close();
    }
  });
});

describe('failures', () => {
  it('answers 503 store_unavailable when the store fails, and nothing changed', async () => {
    const { store, fail } = faultyStore();
    const h = await openHarness({ runtimeOptions: { store } });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    const before = await h.runtime.snapshot('s1');
    fail(new BurrowError('store_unavailable', 'disk on fire'));
    await expectProblem(
      await h.request('/v1/sessions/s1/inputs', {
        method: 'POST',
        body: { kind: 'prompt', content: 'x' },
      }),
      503,
      'store_unavailable',
    );
    expect(await h.runtime.snapshot('s1')).toEqual(before);
    fail(null);
  });

  it('answers 409 fenced when this host lost the session', async () => {
    const { store, fail } = faultyStore();
    const h = await openHarness({ runtimeOptions: { store } });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    fail(new BurrowError('fenced', 'another host owns s1', { sessionId: 's1' }));
    await expectProblem(
      await h.request('/v1/sessions/s1/retire', { method: 'POST' }),
      409,
      'fenced',
    );
    fail(null);
  });

  it('answers 500 internal for an unexpected throw, never with its message or stack, and logs the cause', async () => {
    const h = await openHarness();
    const runtime = h.runtime;
    const broken = new Proxy(runtime, {
      get(target, property, receiver) {
        if (property === 'querySessions')
          return () => Promise.reject(new TypeError('/srv/secret.ts exploded'));
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const logger = captureLogger();
    const bundle = createApp({ runtime: broken, executorFactory: () => echoExecutor(), logger });
    try {
      const res = await bundle.app.request('/v1/sessions');
      const problem = await expectProblem(res, 500, 'internal');
      expect(JSON.stringify(problem)).not.toContain('secret');
      expect(logger.lines).toHaveLength(1);
      expect(String((logger.lines[0]?.fields as { err: Error }).err)).toContain(
        '/srv/secret.ts exploded',
      );
    } finally {
      bundle.shutdown();
    }
  });
});
