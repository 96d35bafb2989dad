// Wake-ups and failures around the mailbox (issue 11, items 3–5): NOTIFY wakes the owner, the
// forwarding host and event tails on other hosts; a LISTEN connection terminated from SQL delays
// nothing beyond a poll, loses nothing and reconnects; an owner that dies holding a taken request
// leaves it to the next owner, which answers it without admitting anything twice.

import pg from 'pg';
import { expect, it } from 'vitest';
import type { BurrowError } from '../../src/core/errors.js';
import { isBurrowError } from '../../src/core/errors.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { describeWithPg } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { until, useIngressHosts } from './ingress-fixture.js';

/** Collects a session's events on `rt` from seq 0 until the returned stop is called. */
function tail(rt: Runtime, id: string): { events: RuntimeEvent[]; stop: () => void } {
  const events: RuntimeEvent[] = [];
  const controller = new AbortController();
  void (async () => {
    for await (const event of rt.events(id, { since: 0, signal: controller.signal })) {
      events.push(event);
    }
  })().catch(() => undefined); // the stream ends with the test
  return { events, stop: () => controller.abort() };
}

/** The BurrowError `promise` rejects with (fails the test when it resolves or throws something else). */
async function refusal(promise: Promise<unknown>): Promise<BurrowError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isBurrowError(error)) throw new Error(`expected a BurrowError, got ${String(error)}`);
  return error;
}

describeWithPg('mailbox wake-ups and failures', (url) => {
  const hosts = useIngressHosts(url);
  const sql = async (text: string): Promise<pg.QueryResultRow[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<pg.QueryResultRow>(text)).rows;
    } finally {
      await client.end();
    }
  };
  const listeners = async (): Promise<number> =>
    (
      await sql(
        `SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN "burrow_${hosts.schema()}"'`,
      )
    ).length;

  it('wakes the owner, the forwarding host and a remote event tail by NOTIFY, with polls a minute apart', async () => {
    const slow = { eventPollMs: 60_000, mailboxPollMs: 60_000 };
    const a = await hosts.host('host-a', slow);
    const b = await hosts.host('host-b', slow);
    await until(async () => (await listeners()) === 2, 'both hosts to LISTEN');
    await a.registerSessionWithExecutor('s1', echoExecutor());
    const events = tail(b, 's1');
    const { completion } = await b.acceptInput('s1', { kind: 'prompt', content: 'hi' });
    expect((await completion).status).toBe('completed');
    await until(() => events.events.some((e) => e.type === 'run.completed'), 'the remote tail');
    events.stop();
  });

  it('loses nothing when the LISTEN connections are terminated, and listens again', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    await until(async () => (await listeners()) === 2, 'both hosts to LISTEN');
    await a.registerSessionWithExecutor('s1', echoExecutor());
    const events = tail(b, 's1');
    const terminated = await sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE query = 'LISTEN "burrow_${hosts.schema()}"'`,
    );
    expect(terminated).toHaveLength(2);
    for (const content of ['one', 'two', 'three']) {
      const { completion } = await b.acceptInput('s1', { kind: 'prompt', content });
      expect((await completion).status).toBe('completed');
    }
    const observer = await hosts.openStore();
    const stored = await observer.readEvents(runtimeIdOf('s1'), 0, 1000);
    await until(() => events.events.length === stored.length, 'the tail to catch up');
    expect(events.events.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    await until(async () => (await listeners()) === 2, 'both hosts to LISTEN again');
    events.stop();
  });

  it('has the next owner answer a request its dead owner took, and run one it never took', async () => {
    const a = await hosts.host('host-a');
    await a.registerSession('taken');
    await a.registerSession('untaken');
    await a.close();
    // A host that claims both sessions, takes one request and dies without answering.
    const ghost = await hosts.openStore();
    const ttl = 1_500;
    for (const id of ['taken', 'untaken']) {
      expect(await ghost.claim(runtimeIdOf(id), 'ghost', ttl, Date.now())).not.toBeNull();
    }
    const b = await hosts.host('host-b', { ingressTimeoutMs: 15_000 });
    const first = b.acceptInput('taken', { kind: 'prompt', content: 'one' });
    await until(
      async () => (await ghost.mailbox.take('ghost', Date.now(), 10)).length === 1,
      'the ghost to take the request',
    );
    const second = b.acceptInput('untaken', { kind: 'prompt', content: 'two' });
    const answers = await Promise.all([first, second]);
    expect(answers.map((answer) => answer.status)).toEqual(['accepted', 'accepted']);
    const outcomes = await Promise.all(answers.map((answer) => answer.completion));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['completed', 'completed']);
    for (const id of ['taken', 'untaken']) {
      expect((await ghost.owner(runtimeIdOf(id)))?.hostId).toBe('host-b');
      expect((await ghost.load(runtimeIdOf(id)))?.inputs).toHaveLength(1);
    }
    expect(b.diagnostics().ownership).toMatchObject({ mailboxForwarded: 2, mailboxAnswered: 1 });
    expect(await ghost.mailbox.depth()).toBe(0);
  });

  it('refuses store_unavailable when a live owner does not answer in time, withdrawing what it never took', async () => {
    const a = await hosts.host('host-a');
    await a.registerSession('s1');
    await a.close();
    // A live owner that never answers: its lease stays valid for the whole test.
    const ghost = await hosts.openStore();
    expect(await ghost.claim(runtimeIdOf('s1'), 'ghost', 60_000, Date.now())).not.toBeNull();
    const b = await hosts.host('host-b', { ingressTimeoutMs: 300 });
    const untaken = await refusal(b.acceptInput('s1', { kind: 'prompt', content: 'one' }));
    expect(untaken.code).toBe('store_unavailable');
    expect(untaken.message).toMatch(/did not take the forwarded request .*nothing was done/);
    expect(await ghost.mailbox.depth()).toBe(0);

    const taking = (async () => {
      while ((await ghost.mailbox.take('ghost', Date.now(), 10)).length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const taken = await refusal(
      b.acceptInput('s1', { kind: 'prompt', content: 'two' }, { idempotencyKey: 'k2' }),
    );
    await taking;
    expect(taken.code).toBe('store_unavailable');
    expect(taken.message).toMatch(/took the forwarded request .*same idempotency key/);
    expect(taken.details.inputId).toBeTypeOf('string');
    // The taken request stays for the owner (or the next one) to answer.
    expect(await ghost.mailbox.depth()).toBe(1);
    expect(b.diagnostics().ownership).toMatchObject({ mailboxForwarded: 2, mailboxTimeouts: 2 });
  });
});
