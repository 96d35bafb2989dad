// HTTP on a host that does not own the session (issue 11, item 6): inputs (with ?wait=), control
// operations, settings, snapshots and DELETE are forwarded to the owner instead of refused 409
// fenced, and /metrics counts the mailbox on both hosts. Two servers on one PostgreSQL schema.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { createServerMetrics } from '../../src/server/metrics/server-metrics.js';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Harness } from './harness.js';
import { body, closeHarnesses, expectProblem, openHarness } from './harness.js';

/** The value of one sample in Prometheus text. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describeWithPg('HTTP through a host that does not own the session', (url) => {
  let schema: TestSchema;
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await closeHarnesses();
    await schema.drop();
  });
  const host = async (hostId: string): Promise<Harness> =>
    openHarness({
      metrics: createServerMetrics(),
      runtimeOptions: {
        store: await openPostgresStore(url, { schema: schema.name, poolSize: 3 }),
        hostId,
        leaseTtlMs: 60_000,
        sweepIntervalMs: 0,
        mailboxPollMs: 50,
        eventPollMs: 50,
      },
    });

  it('forwards inputs, control operations, settings, reads and DELETE to the owner', async () => {
    const a = await host('host-a');
    const b = await host('host-b');
    expect((await a.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
      201,
    );
    // Registering again through B answers as the owner does: already registered.
    expect((await b.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
      200,
    );

    const sent = await b.request('/v1/sessions/s1/inputs?wait=10s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'via b' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(sent.status).toBe(200);
    const answer = await body(sent);
    expect(answer).toMatchObject({ status: 'accepted', outcome: { status: 'completed' } });
    const again = await b.request('/v1/sessions/s1/inputs', {
      method: 'POST',
      body: { kind: 'prompt', content: 'via b' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(again.status).toBe(202);
    expect(await body(again)).toMatchObject({ status: 'deduplicated', inputId: answer['inputId'] });
    const inputId = String(answer['inputId']);
    expect(await body(await b.request(`/v1/sessions/s1/inputs/${inputId}`))).toEqual(
      await body(await a.request(`/v1/sessions/s1/inputs/${inputId}`)),
    );
    expect(await body(await b.request('/v1/sessions/s1/history'))).toEqual(
      await body(await a.request('/v1/sessions/s1/history')),
    );

    const interrupted = await b.request('/v1/sessions/s1/interrupt', { method: 'POST' });
    expect(await body(interrupted)).toEqual({ interrupted: false, runId: null });
    const intents = await b.request('/v1/sessions/s1/silent-intents', {
      method: 'PUT',
      body: { intents: ['ping'] },
    });
    expect(await body(intents)).toEqual({ intents: ['ping'] });
    expect((await body(await b.request('/v1/sessions/s1')))['silentIntents']).toEqual(['ping']);
    expect((await b.request('/v1/sessions/s1/retire', { method: 'POST' })).status).toBe(204);
    expect((await body(await a.request('/v1/sessions/s1')))['phase']).toBe('retired');
    await expectProblem(
      await b.request('/v1/sessions/s1/inputs', {
        method: 'POST',
        body: { kind: 'prompt', content: 'late' },
      }),
      409,
      'not_ready',
    );

    const metricsB = await (await b.request('/metrics')).text();
    expect(sample(metricsB, 'burrow_mailbox_forwarded_total')).toBeGreaterThanOrEqual(9);
    expect(sample(metricsB, 'burrow_mailbox_forward_timeouts_total')).toBe(0);
    expect(sample(metricsB, 'burrow_lease_claims_total{result="claimed"}')).toBe(0);
    const metricsA = await (await a.request('/metrics')).text();
    expect(sample(metricsA, 'burrow_mailbox_answered_total')).toBe(
      sample(metricsB, 'burrow_mailbox_forwarded_total'),
    );
    expect(sample(metricsA, 'burrow_mailbox_depth')).toBe(0);

    expect((await b.request('/v1/sessions/s1', { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await a.request('/v1/sessions/s1'), 404, 'session_not_found');
    await expectProblem(
      await b.request('/v1/sessions/s1', { method: 'DELETE' }),
      404,
      'session_not_found',
    );
  });
});
