// Meta routes (machine, health, readiness, metrics) and the dashboard files.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admissionContract, machineContract } from '../../src/core/contract.js';
import { PHASES } from '../../src/core/machine/state.js';
import { RUNTIME_EVENT_TYPES } from '../../src/core/runtime-event.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createServerMetrics } from '../../src/server/metrics/server-metrics.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import type { RuntimeStore, RuntimeId } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { body, closeHarnesses, createGate, expectProblem, openHarness } from './harness.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

afterEach(closeHarnesses);

/** Parses Prometheus text into `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

function versionLabels(): string {
  const [major, minor, patch] = process.versions.node.split('.');
  return `major="${major}",minor="${minor}",patch="${patch}"`;
}

describe('GET /v1/machine', () => {
  it('serves the machine and admission contracts as data', async () => {
    const h = await openHarness();
    expect(await body(await h.request('/v1/machine'))).toEqual(
      JSON.parse(JSON.stringify({ machine: machineContract(), admission: admissionContract() })),
    );
  });
});

describe('/healthz and /readyz', () => {
  it('reports liveness always and readiness from the callback', async () => {
    let ready = false;
    const h = await openHarness({ readiness: () => ready });
    expect(await body(await h.request('/healthz'))).toEqual({ status: 'ok' });
    await expectProblem(await h.request('/readyz'), 503, 'store_unavailable');
    ready = true;
    expect(await body(await h.request('/readyz'))).toEqual({ status: 'ready' });
  });

  it('is not ready when the callback throws (and says why in the log)', async () => {
    const h = await openHarness({ readiness: () => Promise.reject(new Error('db down')) });
    await expectProblem(await h.request('/readyz'), 503, 'store_unavailable');
    expect(h.logger.lines.map((l) => l.message)).toContain('readiness check failed');
  });
});

describe('GET /metrics', () => {
  it('counts the tokens executors report on completed turns', async () => {
    const metrics = createServerMetrics();
    const h = await openHarness({
      metrics,
      executor: () => ({
        apply: () =>
          Promise.resolve({
            status: 'completed' as const,
            output: 'ok',
            usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 },
          }),
      }),
    });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 'llm' } });
    for (const content of ['one', 'two']) {
      await h.request('/v1/sessions/llm/inputs?wait=5s', {
        method: 'POST',
        body: { kind: 'prompt', content },
      });
    }
    const m = samples(await (await h.request('/metrics')).text());
    expect(m.get('burrow_tokens_total{kind="input"}')).toBe(240);
    expect(m.get('burrow_tokens_total{kind="output"}')).toBe(60);
  });

  it('exposes sessions by phase, queues, inputs, turns, turn latency, store commits and responses', async () => {
    const metrics = createServerMetrics();
    const gate = createGate();
    const h = await openHarness({
      metrics,
      runtimeOptions: { store: metrics.instrumentStore(memoryStore()) },
      executor: (id) => scriptedExecutor(id === 'held' ? [{ gate: () => gate.wait() }] : [{}]),
    });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 'fast' } });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 'held' } });
    await h.request('/v1/sessions/fast/inputs?wait=5s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'a' },
    });
    await h.request('/v1/sessions/held/inputs', {
      method: 'POST',
      body: { kind: 'prompt', content: 'b' },
    });
    await gate.entered;
    await h.request('/v1/sessions/held/inputs', {
      method: 'POST',
      body: { kind: 'prompt', content: 'c' },
    });
    await h.request('/nowhere');
    const res = await h.request('/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE burrow_turn_duration_seconds histogram');
    const m = samples(text);
    expect(m.get('burrow_sessions{phase="attached"}')).toBe(1);
    expect(m.get('burrow_sessions{phase="running"}')).toBe(1);
    expect(m.has('burrow_sessions{phase="destroyed"}')).toBe(false);
    expect(m.get('burrow_sessions_running')).toBe(1);
    expect(m.get('burrow_queue_length{lane="queue"}')).toBe(1);
    expect(m.get('burrow_inputs{state="staged"}')).toBe(1);
    expect(m.get('burrow_inputs{state="queued"}')).toBe(1);
    expect(m.get('burrow_input_events_total{type="consumed"}')).toBe(1);
    expect(m.get('burrow_turns_total{outcome="completed"}')).toBe(1);
    expect(m.get('burrow_turns_total{outcome="failed"}')).toBe(0);
    expect(m.get('burrow_turn_duration_seconds_count')).toBe(1);
    expect(m.get('burrow_turn_duration_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(m.get('burrow_store_commit_duration_seconds_count')).toBeGreaterThan(3);
    expect(m.get('burrow_http_responses_total{method="GET",route="unmatched",status="404"}')).toBe(
      1,
    );
    expect(
      m.get('burrow_http_responses_total{method="POST",route="/v1/sessions",status="201"}'),
    ).toBe(2);
    expect(
      m.get(
        'burrow_http_request_duration_seconds_count{method="POST",route="/v1/sessions/:id/inputs"}',
      ),
    ).toBe(3);
    expect(m.get('burrow_sse_streams')).toBe(0);
    gate.open();
  });

  it('does not count destroyed sessions, and exposes process and Node.js metrics', async () => {
    const h = await openHarness();
    await h.runtime.registerSession('kept');
    await h.runtime.registerSession('gone');
    await h.runtime.destroy('gone');
    const text = await (await h.request('/metrics')).text();
    const m = samples(text);
    expect(m.get('burrow_sessions{phase="attached"}')).toBe(1);
    expect([...m.keys()].filter((k) => k.includes('destroyed'))).toEqual([]);
    expect(m.get('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    expect(m.get('process_open_fds')).toBeGreaterThan(2);
    expect(m.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(m.get('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(m.get('nodejs_active_resources_total')).toBeGreaterThan(0);
    expect(m.get(`nodejs_version_info{version="${process.version}",${versionLabels()}}`)).toBe(1);
    expect(
      Math.abs((m.get('process_start_time_seconds') ?? 0) - (Date.now() / 1000 - process.uptime())),
    ).toBeLessThan(2);
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('times the commits of a real SQLite store, and keeps a class-based store working behind the wrapper', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-metrics-'));
    try {
      const metrics = createServerMetrics();
      const h = await openHarness({
        metrics,
        runtimeOptions: {
          store: metrics.instrumentStore(await openSqliteStore(join(dir, 'r.db'))),
        },
      });
      await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
      await h.request('/v1/sessions/s1/inputs?wait=5s', {
        method: 'POST',
        body: { kind: 'prompt', content: 'a' },
      });
      const m = samples(await (await h.request('/metrics')).text());
      expect(m.get('burrow_store_commit_duration_seconds_count')).toBeGreaterThan(2);
      await closeHarnesses();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    class PrivateStore {
      readonly #inner = memoryStore();
      readonly kind = 'private';
      load(id: RuntimeId) {
        return this.#inner.load(id);
      }
    }
    const wrapped = createServerMetrics().instrumentStore(
      new PrivateStore() as unknown as RuntimeStore,
    );
    expect(await wrapped.load(runtimeIdOf('none'))).toBeNull();
  });

  it('counts cancelled and failed turns', async () => {
    const gate = createGate();
    const h = await openHarness({
      executor: () =>
        scriptedExecutor([
          { gate: () => gate.wait() },
          { fail: { cause: 'llm_failure', retryable: false } },
        ]),
    });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    const first = h.request('/v1/sessions/s1/inputs?wait=5s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'a' },
    });
    await gate.entered;
    await h.request('/v1/sessions/s1/interrupt', { method: 'POST' });
    expect(await body(await first)).toMatchObject({ outcome: { status: 'cancelled' } });
    const second = await h.request('/v1/sessions/s1/inputs?wait=5s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'b' },
    });
    expect(await body(second)).toMatchObject({ outcome: { status: 'failed' } });
    const m = samples(await (await h.request('/metrics')).text());
    expect(m.get('burrow_turns_total{outcome="cancelled"}')).toBe(1);
    expect(m.get('burrow_turns_total{outcome="failed"}')).toBe(1);
    expect(m.get('burrow_turn_duration_seconds_count')).toBe(2);
    gate.open();
  });

  it('stops counting after shutdown (the listener is removed)', async () => {
    const h = await openHarness();
    h.bundle.shutdown();
    await h.runtime.registerSession('late');
    const m = samples(await (await h.request('/metrics')).text());
    expect(m.get('burrow_sessions{phase="attached"}')).toBe(1);
    expect(m.get('burrow_input_events_total{type="accepted"}')).toBeUndefined();
  });
});

describe('dashboard files', () => {
  it('serves the page and its files with a strict content security policy', async () => {
    const h = await openHarness();
    const page = await h.request('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<script type="module" src="/static/app.js">');
    for (const [file, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['api.js', 'text/javascript; charset=utf-8'],
      ['session-list.js', 'text/javascript; charset=utf-8'],
      ['session-view.js', 'text/javascript; charset=utf-8'],
      ['conversation.js', 'text/javascript; charset=utf-8'],
      ['timeline.js', 'text/javascript; charset=utf-8'],
      ['inputs-panel.js', 'text/javascript; charset=utf-8'],
      ['event-log.js', 'text/javascript; charset=utf-8'],
      ['format.js', 'text/javascript; charset=utf-8'],
      ['event-types.js', 'text/javascript; charset=utf-8'],
      ['phases.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
      ['favicon.svg', 'image/svg+xml'],
    ]) {
      const res = await h.request(`/static/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
    }
  });

  it('answers /favicon.ico with the icon, so browsers find it without the page', async () => {
    const h = await openHarness({ token: 'secret' });
    const res = await h.request('/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg /);
  });

  it('renders the event types the page subscribes to from the runtime event list', async () => {
    const h = await openHarness();
    const res = await h.request('/static/event-types.js');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const source = await res.text();
    const listed = /export const EVENT_TYPES = (\[.*\]);/.exec(source)?.[1];
    expect(JSON.parse(listed ?? 'null')).toEqual([...RUNTIME_EVENT_TYPES]);
    const phases = await (await h.request('/static/phases.js')).text();
    expect(JSON.parse(/export const PHASES = (\[.*\]);/.exec(phases)?.[1] ?? 'null')).toEqual([
      ...PHASES,
    ]);
  });

  it('serves nothing outside its directory', async () => {
    const h = await openHarness();
    for (const path of [
      '/static/..%2Fapp.ts',
      '/static/missing.js',
      '/static/.hidden',
      '/static/app.ts',
    ]) {
      await expectProblem(await h.request(path), 404, 'route_not_found');
    }
    await expectProblem(await h.request('/static/../server.ts'), 404, 'route_not_found');
  });
});
