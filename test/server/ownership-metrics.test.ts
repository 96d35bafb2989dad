// Per-host ownership metrics on /metrics (issue 11): leases held, claims (and refusals), fenced
// commits, sweeper runs and failures. Two runtimes on one SQLite file; host B runs on a manual clock
// so it can see host A's lease expire.

import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { createServerMetrics } from '../../src/server/metrics/server-metrics.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ManualClock } from '../support/manual-clock.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { databaseFile } from '../support/temp-database.js';
import { closeHarnesses, openHarness } from './harness.js';

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

/** A store whose recovery listings fail while `broken.value` is true (the sweep fails as a whole). */
function breakable(inner: RuntimeStore, broken: { value: boolean }): RuntimeStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== 'listRecoverableLeases' && property !== 'listRecoverable') return bound;
      return (...args: unknown[]) =>
        broken.value
          ? Promise.reject(new Error('the store is unreachable (test)'))
          : bound(...args);
    },
  });
}

describe('GET /metrics: ownership per host', () => {
  it('counts leases held, claims, refused claims, fenced commits and sweeper runs and failures', async () => {
    const path = await databaseFile('burrow-owner-metrics-');
    const metrics = createServerMetrics();
    const broken = { value: false };
    const a = await openHarness({
      metrics,
      runtimeOptions: {
        store: breakable(await openSqliteStore(path), broken),
        hostId: 'host-a',
        leaseTtlMs: 60_000,
        sweepIntervalMs: 10,
        executorFactory: () => echoExecutor(),
      },
    });
    const scrape = async (): Promise<Map<string, number>> =>
      samples(await (await a.request('/metrics')).text());
    const clockB = new ManualClock(Date.now());
    const b = await testRuntime({
      store: await openSqliteStore(path),
      hostId: 'host-b',
      clock: clockB,
      leaseTtlMs: 60_000,
      sweepIntervalMs: 0,
    });

    expect((await a.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
      201,
    );
    await b.runtime.registerSession('s2');
    expect((await a.request('/v1/sessions', { method: 'POST', body: { id: 's2' } })).status).toBe(
      409,
    );
    let m = await scrape();
    expect(m.get('burrow_host_info{host="host-a"}')).toBe(1);
    expect(m.get('burrow_leases_held')).toBe(1);
    expect(m.get('burrow_lease_claims_total{result="claimed"}')).toBe(1);
    expect(m.get('burrow_lease_claims_total{result="refused"}')).toBe(1);
    expect(m.get('burrow_fenced_commits_total')).toBe(0);

    // Host B's clock passes A's lease and B claims s1: A's next commit for s1 is fenced.
    clockB.advance(70_000);
    expect(await b.runtime.registerSession('s1')).toBe(true);
    const late = await a.request('/v1/sessions/s1/inputs', {
      method: 'POST',
      body: { kind: 'prompt', content: 'late' },
    });
    expect(late.status).toBe(409);
    m = await scrape();
    expect(m.get('burrow_fenced_commits_total')).toBe(1);
    expect(m.get('burrow_leases_held')).toBe(0);

    // The sweeper runs every 10 ms; while the store fails its listing, whole sweeps fail.
    const until = async (done: (m: Map<string, number>) => boolean): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!done(await scrape()) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(done(await scrape())).toBe(true);
    };
    await until((s) => (s.get('burrow_sweeper_runs_total') ?? 0) >= 2);
    expect((await scrape()).get('burrow_sweeper_failures_total')).toBe(0);
    broken.value = true;
    await until((s) => (s.get('burrow_sweeper_failures_total') ?? 0) >= 1);
    broken.value = false;
  });
});
