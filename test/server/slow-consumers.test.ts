// Slow consumers (issue 10), over real sockets on 127.0.0.1 with a SQLite store: under a bounded load
// of inputs through the HTTP API, one, then five subscribers that never read, and three that read
// slowly. /healthz keeps answering (its latency is printed, not asserted), the stalled streams are
// ended and their sockets closed by the server, memory stays within the stated bound, and the slow
// readers receive a gapless stream, resuming after each overflow.
//
// The bound: a stalled stream holds at most its runtime subscriber buffer (1 MiB of serialized events),
// its SSE queue up to the high-water mark (64 KiB, the route waits there), and one chunk in node
// (64 KiB) — about 1.2 MiB — until it overflows, and nothing once its socket is destroyed. The test
// allows 2.5 MiB per subscriber on top of the heap the same load needs without any subscriber, plus
// 16 MiB for what a load leaves on the heap from one sample to the next.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { RunningServer } from '../../src/server/server.js';
import { startServer } from '../../src/server/server.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { captureLogger } from './harness.js';
import type { SlowReading, StalledClient } from './slow-consumer-clients.js';
import {
  heapAfterGc,
  openStalled,
  p50max,
  probeHealth,
  readSlowly,
} from './slow-consumer-clients.js';

const INPUTS_PER_PHASE = 160;
/** Large enough that a phase sends each subscriber far more than the kernel's socket buffers hold. */
const CONTENT_BYTES = 96 * 1024;
const PER_SUBSCRIBER_MIB = 2.5;
const SLACK_MIB = 16;

let dir: string;
let store: RuntimeStore;
let runtime: Runtime;
let server: RunningServer;
let baselineMib = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-slow-'));
  store = await openSqliteStore(join(dir, 'slow.db'));
  runtime = await createRuntime({
    store,
    // Finished inputs leave memory as they finish, so the heap follows what streams hold, not the load.
    retention: { inputs: { maxAgeMs: 0, keepPerSession: 20 } },
    pruneIntervalMs: 200,
  });
  server = await startServer({
    runtime,
    executorFactory: () => echoExecutor(),
    host: '127.0.0.1',
    port: 0,
    logger: captureLogger(),
  });
  expect((await post('/v1/sessions', { id: 'hot' })).status).toBe(201);
});

afterAll(async () => {
  await server.close();
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res;
}

async function openStreams(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^burrow_sse_streams (\d+)$/m.exec(text)?.[1]);
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 25));
}

async function lastStoredSeq(): Promise<number> {
  let last = 0;
  for (;;) {
    const page = await store.readEvents(runtimeIdOf('hot'), last, 1000);
    const seq = page.at(-1)?.seq;
    if (seq === undefined) return last;
    last = seq;
  }
}

/**
 * Posts a phase's inputs through the API (8 clients), samples the heap after GC (with the /healthz
 * prober paused) every 40 inputs, and waits until the session has nothing left to run.
 */
async function load(health: ReturnType<typeof probeHealth>): Promise<number> {
  let next = 0;
  let peak = 0;
  const sample = async (): Promise<void> => {
    await health.pause();
    peak = Math.max(peak, heapAfterGc());
    health.resume();
  };
  const client = async (): Promise<void> => {
    while (next < INPUTS_PER_PHASE) {
      const n = next++;
      const content = `input ${n} `.padEnd(CONTENT_BYTES, 'x');
      const res = await post('/v1/sessions/hot/inputs', { kind: 'prompt', content });
      expect(res.status).toBe(202);
      if (n % 40 === 39) await sample();
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  await waitFor(async () => {
    const { inputs } = await runtime.snapshot('hot');
    return inputs.queued + inputs.staged + inputs.applied === 0;
  });
  await sample();
  return peak;
}

/** One phase: subscribers that never read (one per path) and `slow` ones, under a phase of load. */
async function phase(name: string, stalledPaths: readonly string[], slowCount: number) {
  const stalled: StalledClient[] = [];
  for (const path of stalledPaths) stalled.push(await openStalled(server.url, path));
  const stalledCount = stalled.length;
  await waitFor(async () => (await openStreams()) === stalledCount);
  let loading = true;
  let target: number | null = null;
  const readers: Promise<SlowReading>[] = Array.from({ length: slowCount }, () =>
    readSlowly(server.url, 'hot', {
      bytesPerSecond: 64 * 1024,
      slow: () => loading,
      target: () => target,
    }),
  );
  await waitFor(async () => (await openStreams()) === stalledCount + slowCount);
  const health = probeHealth(server.url);
  const started = performance.now();
  const peak = await load(health);
  const loaded = performance.now();
  loading = false;
  target = await lastStoredSeq();
  const readings = await Promise.all(readers);
  // Every stalled stream was ended while its client still read nothing.
  await waitFor(async () => (await openStreams()) === 0);
  const ended = performance.now();
  const latencies = await health.stop();
  const drained = await Promise.all(stalled.map((s) => s.drain()));
  const growth = peak - baselineMib;
  console.log(
    `[slow consumers] ${name}: load ${Math.round(loaded - started)} ms, streams ended ${Math.round(ended - loaded)} ms later; /healthz ${p50max(latencies)}; heap after GC peak ${peak.toFixed(1)} MiB` +
      ` (baseline ${baselineMib.toFixed(1)} MiB, growth ${growth.toFixed(1)} MiB);` +
      ` stalled bytes received when drained: ${drained.map((d) => d.bytes).join(', ') || 'none'};` +
      ` slow readers: ${readings.map((r) => `${r.seqs.length} events, ${r.overflows} overflows, ${r.cuts} cuts`).join('; ') || 'none'}`,
  );
  return { peak, growth, drained, readings, latencies };
}

describe('slow consumers over real sockets', () => {
  it('a load with no subscriber sets the heap baseline', async () => {
    const health = probeHealth(server.url);
    baselineMib = await load(health);
    const latencies = await health.stop();
    console.log(
      `[slow consumers] baseline: /healthz ${p50max(latencies)}; heap after GC peak ${baselineMib.toFixed(1)} MiB`,
    );
    expect(latencies.length).toBeGreaterThan(0);
  }, 120_000);

  const SESSION = '/v1/sessions/hot/events';
  it.each([
    ['one subscriber that never reads', [SESSION], 0],
    [
      'five subscribers that never read (one on /v1/events) and three slow readers',
      [SESSION, SESSION, SESSION, SESSION, '/v1/events'],
      3,
    ],
  ] as const)(
    'with %s, /healthz keeps answering, stalled streams are ended and their sockets closed, memory stays bounded',
    async (name, stalledPaths, slowCount) => {
      const result = await phase(name, stalledPaths, slowCount);
      expect(result.latencies.length).toBeGreaterThan(0);
      for (const drained of result.drained) {
        // The server closed the connection (the drain saw it close) without finishing the response:
        // it destroyed a socket whose client would never read the final frame.
        expect(drained.finished).toBe(false);
      }
      expect(result.growth).toBeLessThanOrEqual(
        (stalledPaths.length + slowCount) * PER_SUBSCRIBER_MIB + SLACK_MIB,
      );
      for (const reading of result.readings) {
        // Gapless across every overflow and reconnect: each durable event once, in order.
        const first = reading.seqs[0] as number;
        expect(reading.seqs).toEqual(reading.seqs.map((_, i) => first + i));
      }
    },
    180_000,
  );
});
