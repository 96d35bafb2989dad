// The README's "Run several hosts", word for word: three `npm start` servers on one PostgreSQL (the
// test's database, a schema of its own, free ports instead of 7421-7423), its curl commands, an input
// sent to a host that does not own the session (forwarded to the owner), Ctrl-C on the owner, and the
// same command then served by the next host, which took the session over.

import { afterEach, beforeAll, expect, it } from 'vitest';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  cleanEnv,
  ensureBuilt,
  freePort,
  killChildren,
  runCommand,
  signalGroup,
  spawnShell,
  type ChildHandle,
} from './support/cli-process.js';
import { commands, section } from './support/readme.js';

const README_PORTS = [7421, 7422, 7423];

describeWithPg('README "Run several hosts"', (url) => {
  const cleanup: (() => Promise<void>)[] = [];
  beforeAll(ensureBuilt, 180_000);
  afterEach(async () => {
    await killChildren();
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('three servers on one PostgreSQL: any host lists, streams and forwards to the owner; Ctrl-C hands the session over', async () => {
    const schema = createTestSchema(url);
    cleanup.push(schema.drop);
    const ports = await Promise.all(README_PORTS.map(() => freePort()));
    const all = commands(section('Run several hosts'));
    const written = /postgres:\/\/\S+/.exec(all[0] ?? '')?.[0] ?? '';
    // The README's database and ports point at the test's own; nothing else changes.
    const local = (command: string): string =>
      README_PORTS.reduce(
        (line, port, i) =>
          line
            .replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${ports[i]}`)
            .replaceAll(`--port ${port}`, `--port ${ports[i]}`),
        command.replace(written, url),
      );
    const [serveA, serveB, serveC, register, sendB, list, events, sendA] = all.map(local);
    expect(all).toHaveLength(8);
    const env = cleanEnv({ BURROW_PG_SCHEMA: schema.name });
    const serve = async (line: string, port: number): Promise<ChildHandle> => {
      const server = spawnShell(line, { env });
      await server.line(
        (l) => l.startsWith(`burrow serve: listening on http://127.0.0.1:${port}`),
        60_000,
      );
      return server;
    };
    const [a, b, c] = await Promise.all(
      [serveA, serveB, serveC].map((line, i) => serve(line ?? '', ports[i] ?? 0)),
    );
    // Each says which host id its leases carry, with the default lease.
    for (const [server, id] of [
      [a, 'host-a'],
      [b, 'host-b'],
      [c, 'host-c'],
    ] as const)
      await server?.line((l) => l === `  host     ${id} (leases of 30s)`);

    const curl = async (command: string | undefined): Promise<Record<string, unknown>> => {
      const { code, stdout, stderr } = await runCommand('sh', ['-c', command ?? ''], {});
      expect(code, `${command}\n${stderr}`).toBe(0);
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    expect(await curl(register)).toMatchObject({ sessionId: 'shared' });
    expect(await curl(sendB)).toMatchObject({
      outcome: { status: 'completed', result: { reply: 'echo: hello from b' } },
    });
    // host-a lists the session, and names its owner (what the dashboard's Host column shows).
    expect((await curl(list))['sessions']).toEqual([
      expect.objectContaining({ sessionId: 'shared', owner: 'host-b' }),
    ]);
    const stream = spawnShell(events ?? '', { env });
    await stream.line((l) => l.includes('"type":"run.completed"'), 30_000);

    // host-a forwards to the owner, host-b, and answers with its answer.
    expect(await curl(sendA)).toMatchObject({
      outcome: { status: 'completed', result: { reply: 'echo: hello via a' } },
    });
    const owners = async (): Promise<unknown> => ((await curl(list))['sessions'] as unknown[])[0];
    expect(await owners()).toMatchObject({ owner: 'host-b' });

    // Ctrl-C on host-b: it releases its leases, and host-a takes the session over at once.
    signalGroup(b as ChildHandle, 'SIGINT');
    await b?.exited;
    expect(b?.stderr).toContain('burrow: stopped');
    expect(await curl(sendA)).toMatchObject({
      outcome: { status: 'completed', result: { reply: 'echo: hello via a' } },
    });
    expect(await owners()).toMatchObject({ owner: 'host-a' });
    // host-c's stream goes on with the new owner's turn.
    await stream.line(
      () => stream.stdout.filter((l) => l.includes('"type":"run.completed"')).length === 3,
      30_000,
    );
  }, 120_000);
});
