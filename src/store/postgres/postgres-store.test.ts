// Runs the conformance suite against a real PostgreSQL (a fresh schema per test), plus what only
// PostgreSQL has: migrations by several hosts at once, group commit with savepoints, fences checked
// inside the transaction, claims racing between hosts, and a database that goes away.

import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runStoreConformance } from '../conformance.js';
import { boundLifecycle, input, lifecycle, messages } from '../conformance/fixtures.js';
import { expectBurrowError } from '../conformance/harness.js';
import { PG_SCHEMA_VERSION } from './pg-migrations.js';
import { PG_SCHEMA_NAME_MAX } from './pg-schema.js';
import { rewritePgRecords } from './pg-rewrite.test-support.js';
import type { TestSchema } from './pg-test-schema.test-support.js';
import { createTestSchema, describeWithPg, testPgUrl } from './pg-test-schema.test-support.js';
import type { PostgresStore } from './postgres-store.js';
import { openPostgresStore } from './postgres-store.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');
const URL = testPgUrl();

if (URL !== null) {
  const url = URL;
  runStoreConformance(
    'postgres',
    async () => {
      const schema = createTestSchema(url);
      const open = (): Promise<PostgresStore> =>
        openPostgresStore(url, { schema: schema.name, poolSize: 4 });
      return {
        store: await open(),
        reopen: open,
        cleanup: () => schema.drop(),
        rewriteRecords: (...args) => rewritePgRecords(url, schema.name, ...args),
      };
    },
    { mailbox: true },
  );

  runStoreConformance(
    'postgres without group commit',
    async () => {
      const schema = createTestSchema(url);
      const open = (): Promise<PostgresStore> =>
        openPostgresStore(url, { schema: schema.name, poolSize: 2, groupCommit: false });
      return { store: await open(), reopen: open, cleanup: () => schema.drop() };
    },
    { refusals: false },
  );
}

describeWithPg('openPostgresStore', (url) => {
  let schema: TestSchema;
  const open: PostgresStore[] = [];
  const track = async (store: Promise<PostgresStore>): Promise<PostgresStore> => {
    const opened = await store;
    open.push(opened);
    return opened;
  };
  const openStore = (extra: { groupCommit?: boolean } = {}): Promise<PostgresStore> =>
    track(openPostgresStore(url, { schema: schema.name, poolSize: 4, ...extra }));
  const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    await schema.drop();
  });

  it('probes by writing and reading back, and fails the probe when it cannot write', async () => {
    const store = await openStore();
    await store.probe();
    await sql(`ALTER TABLE "${schema.name}".readiness_probe RENAME TO readiness_probe_away`);
    await expectBurrowError(store.probe(), 'store_unavailable', /readiness_probe/);
    await sql(`ALTER TABLE "${schema.name}".readiness_probe_away RENAME TO readiness_probe`);
    await store.probe();
    // A host whose connections are read-only (a standby after a failover) cannot even open the store.
    const readOnly = new pg.Pool({
      connectionString: url,
      max: 1,
      options: '-c default_transaction_read_only=on',
    });
    try {
      await expectBurrowError(
        openPostgresStore(readOnly, { schema: schema.name }),
        'store_unavailable',
        /read-only/,
      );
    } finally {
      await readOnly.end();
    }
  });

  it('migrates once when several hosts open a new schema at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => openStore()));
    expect(
      await sql(`SELECT version, name FROM "${schema.name}".schema_version ORDER BY version`),
    ).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'readiness-probe' },
      { version: 3, name: 'ingress-mailbox' },
    ]);
    for (const store of stores) expect(await store.schemaVersion()).toBe(PG_SCHEMA_VERSION);
    await stores[0]?.commit(RT, { lifecycle: lifecycle('s1') });
    expect((await stores[4]?.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
  });

  it('refuses a schema whose version is newer than this build', async () => {
    await (await openPostgresStore(url, { schema: schema.name })).close();
    await sql(`INSERT INTO "${schema.name}".schema_version (version, name) VALUES (99, 'future')`);
    await expectBurrowError(
      openPostgresStore(url, { schema: schema.name }),
      'store_unavailable',
      /version 99/,
    );
  });

  it('refuses a schema name it would have to quote, or one longer than its prepared statements allow', async () => {
    await expectBurrowError(openPostgresStore(url, { schema: 'x"; DROP' }), 'validation_failed');
    await expectBurrowError(
      openPostgresStore(url, { schema: 'a'.repeat(PG_SCHEMA_NAME_MAX + 1) }),
      'validation_failed',
      /at most 32/,
    );
  });

  it('serves every statement in a schema of the longest name allowed (their names stay distinct)', async () => {
    const long = createTestSchema(url, PG_SCHEMA_NAME_MAX);
    expect(long.name).toHaveLength(PG_SCHEMA_NAME_MAX);
    try {
      const store = await track(openPostgresStore(url, { schema: long.name }));
      await store.commit(RT, { lifecycle: boundLifecycle('s1'), inputs: [input('s1', 'a', 1)] });
      expect(await store.listRecoverable()).toEqual([RT]);
      expect(await store.listRecoverableLeases()).toEqual([
        { runtimeId: RT, owner: null, expiresAt: null },
      ]);
      expect(await store.listSessions(0, 10)).toHaveLength(1);
      expect((await store.load(RT))?.inputs).toHaveLength(1);
    } finally {
      await Promise.all(open.splice(0).map((store) => store.close()));
      await long.drop();
    }
  });

  it('fails store_unavailable when the database cannot be reached', async () => {
    await expectBurrowError(
      openPostgresStore('postgres://postgres@127.0.0.1:1/none', { connectionTimeoutMs: 2_000 }),
      'store_unavailable',
    );
  });

  it('merges commits that arrive together into one transaction, and acknowledges none before COMMIT', async () => {
    const store = await openStore();
    const settled: string[] = [];
    const commits = Array.from({ length: 50 }, (_, i) =>
      store
        .commit(runtimeIdOf(`g${i}`), { lifecycle: lifecycle(`g${i}`) })
        .then(() => settled.push(`g${i}`)),
    );
    await Promise.resolve();
    expect(settled).toEqual([]);
    await Promise.all(commits);
    expect(settled).toHaveLength(50);
    expect(await sql(`SELECT COUNT(*)::int AS n FROM "${schema.name}".sessions`)).toEqual([
      { n: 50 },
    ]);
    expect(store.statistics()).toMatchObject({ commits: 50, transactions: 1, largestGroup: 50 });
  });

  it('gives every commit its own transaction when group commit is off', async () => {
    const store = await openStore({ groupCommit: false });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.commit(runtimeIdOf(`g${i}`), { lifecycle: lifecycle(`g${i}`) }),
      ),
    );
    expect(store.statistics()).toMatchObject({ commits: 20, transactions: 20, largestGroup: 1 });
  });

  it('rolls a refused batch back to its savepoint and commits its neighbours in the same transaction', async () => {
    const store = await openStore();
    await store.commit(RT, { transcript: messages(0, 1, 'r0') });
    const results = await Promise.allSettled([
      store.commit(runtimeIdOf('a'), { inputs: [input('a', 'x', 1)] }),
      store.commit(RT, { lifecycle: lifecycle('s1'), transcript: messages(0, 1, 'r1') }),
      store.commit(runtimeIdOf('b'), { inputs: [input('b', 'x', 1)] }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.statistics()).toMatchObject({ commits: 3, transactions: 2, refused: 1 });
    expect((await store.load(RT))?.lifecycle).toBeNull();
  });

  it('writes nothing from a stale fence, even in a group with the new owner, and reports fenced', async () => {
    const hostA = await openStore();
    const hostB = await openStore();
    const fenceA = (await hostA.claim(RT, 'host-a', 1_000, 0)) ?? -1;
    await hostA.commit(RT, { lifecycle: lifecycle('s1'), inputs: [input('s1', 'a', 1)] }, fenceA);
    const fenceB = (await hostB.claim(RT, 'host-b', 1_000, 1_000)) ?? -1;
    expect(fenceB).toBe(fenceA + 1);
    const late = {
      inputs: [input('s1', 'a', 1, { status: 'consumed', runId: 'r-stale' })],
      transcript: messages(0, 2, 'r-stale'),
    };
    const [stale, other] = await Promise.allSettled([
      hostA.commit(RT, late, fenceA),
      hostA.commit(runtimeIdOf('other'), { inputs: [input('other', 'x', 1)] }),
    ]);
    expect(stale.status).toBe('rejected');
    expect(other.status).toBe('fulfilled');
    await expectBurrowError(hostA.commit(RT, late, fenceA), 'fenced', /fence token 1/);
    expect((await hostB.readInput(RT, 'a'))?.state).toEqual({ status: 'queued' });
    expect(await hostB.readTranscript(RT, 0, 10)).toEqual([]);
    await hostB.commit(RT, late, fenceB);
    expect((await hostA.readInput(RT, 'a'))?.state).toEqual({
      status: 'consumed',
      runId: 'r-stale',
    });
  });

  it('lets exactly one of many stores racing to claim the same session win', async () => {
    const hosts = await Promise.all(Array.from({ length: 6 }, () => openStore()));
    for (let round = 0; round < 5; round += 1) {
      const now = round * 10_000;
      const runtimeId = runtimeIdOf(`race${round}`);
      const fences = await Promise.all(
        hosts.map((host, i) => host.claim(runtimeId, `host-${i}`, 1_000, now)),
      );
      expect(fences.filter((fence) => fence !== null)).toEqual([1]);
      const winner = fences.findIndex((fence) => fence !== null);
      expect(await hosts[0]?.owner(runtimeId)).toEqual({
        hostId: `host-${winner}`,
        expiresAt: now + 1_000,
      });
    }
  });

  it('serialises a claim behind a commit in flight: the commit lands, then the new owner fences it', async () => {
    const hostA = await openStore();
    const hostB = await openStore();
    const fenceA = (await hostA.claim(RT, 'host-a', 1_000, 0)) ?? -1;
    // Many commits of host A race one claim by host B; each commit either lands wholly before the
    // claim or is fenced, never half.
    const commits = Array.from({ length: 20 }, (_, i) =>
      hostA.commit(RT, { inputs: [input('s1', `i${i}`, i + 1)] }, fenceA),
    );
    const claim = hostB.claim(RT, 'host-b', 1_000, 1_000);
    const results = await Promise.allSettled(commits);
    expect(await claim).toBe(2);
    const landed = results.filter((result) => result.status === 'fulfilled').length;
    const stored = (await hostB.load(RT))?.inputs.length ?? 0;
    expect(stored).toBe(landed);
    for (const result of results) {
      if (result.status === 'rejected')
        await expectBurrowError(Promise.reject(result.reason), 'fenced');
    }
  });

  it('renews all of a host’s leases in one statement', async () => {
    const store = await openStore();
    await store.claimMany(
      [runtimeIdOf('a'), runtimeIdOf('b'), runtimeIdOf('c')],
      'host-a',
      1_000,
      0,
    );
    await store.claim(runtimeIdOf('d'), 'host-b', 1_000, 0);
    await store.renew('host-a', 5_000, 500);
    const rows = await sql<{ runtime_id: string; lease_expires_at: string }>(
      `SELECT runtime_id, lease_expires_at FROM "${schema.name}".sessions ORDER BY runtime_id`,
    );
    expect(rows.map((row) => [row.runtime_id, Number(row.lease_expires_at)])).toEqual([
      [runtimeIdOf('a'), 5_500],
      [runtimeIdOf('b'), 5_500],
      [runtimeIdOf('c'), 5_500],
      [runtimeIdOf('d'), 1_000],
    ]);
  });

  it('drains queued commits on close before ending its pool', async () => {
    const store = await openPostgresStore(url, { schema: schema.name });
    const pending = store.commit(RT, { lifecycle: lifecycle('s1') });
    await store.close();
    await pending;
    const reopened = await openStore();
    expect((await reopened.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
  });

  it('uses a pool it is given and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const store = await openPostgresStore(pool, { schema: schema.name });
      await store.commit(RT, { lifecycle: lifecycle('s1') });
      await store.close();
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('fails a commit whose connection is killed mid-transaction store_unavailable, writes none of it, and serves again', async () => {
    const store = await track(
      openPostgresStore(url, { schema: schema.name, applicationName: schema.name }),
    );
    await store.commit(RT, { lifecycle: lifecycle('s1') });
    // Another connection holds the session row, so the commit stops inside its transaction.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `SELECT 1 FROM "${schema.name}".sessions WHERE runtime_id = $1 FOR UPDATE`,
        [RT],
      );
      // Settled into a value at once: it fails while the test is still killing its connection.
      const commit = store
        .commit(RT, {
          lifecycle: boundLifecycle('s1', 'retired'),
          inputs: [input('s1', 'a', 1)],
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      const waiting = async (): Promise<void> => {
        for (;;) {
          const rows = await sql(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [schema.name],
          );
          if (rows.length > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      await waiting();
      const killed = await sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
        [schema.name],
      );
      expect(killed.length).toBeGreaterThan(0);
      await expectBurrowError(Promise.reject(await commit), 'store_unavailable');
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    expect(await store.readInput(RT, 'a')).toBeNull();
    expect((await store.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
    await store.commit(RT, { inputs: [input('s1', 'a', 1)] });
    expect(await store.readInput(RT, 'a')).toEqual(input('s1', 'a', 1));
  });
});
