// The README is a contract: every command in it runs here, as written (only the port, the database
// file and — for "Run a real agent" — the endpoint are pointed at this test's own processes; nothing
// leaves 127.0.0.1), and its library example type-checks and runs.

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/cli/config.js';
import { createSseParser } from '../../src/client/sse-parser.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';
import {
  cleanEnv,
  ensureBuilt,
  freePort,
  killChildren,
  ROOT,
  runCommand,
  signalGroup,
  spawnShell,
  typecheckStrict,
  type ChildHandle,
} from './support/cli-process.js';
import { blocks, commands, onPort, README, section } from './support/readme.js';
import {
  createTestSchema,
  testPgUrl,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/pg-migrations.js';

let dir: string;
let port: number;
/** The PostgreSQL of the "Run on PostgreSQL" test (required in CI, see testPgUrl). */
const PG_URL = testPgUrl();

beforeAll(ensureBuilt, 180_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-readme-'));
  port = await freePort();
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

/** The environment of a README command: the test's port and database, nothing else of ours. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({ BURROW_PORT: String(port), BURROW_DB: join(dir, 'runtime.db'), ...extra });
}

/** Runs a README server command and waits until it listens. */
async function serveAs(line: string, extra: Record<string, string> = {}): Promise<ChildHandle> {
  const server = spawnShell(line, { env: env(extra) });
  await server.line(
    (l) => l.startsWith(`burrow serve: listening on http://127.0.0.1:${port}`),
    60_000,
  );
  return server;
}

/**
 * Stops a README server as Ctrl-C does: one signal to the whole process group (sh, npm and node).
 * The wrappers die of the signal; burrow drains and says how it stopped.
 */
async function stopServer(server: ChildHandle): Promise<string> {
  signalGroup(server, 'SIGINT');
  await server.exited;
  return server.stderr.filter((l) => l.startsWith('burrow: stopped')).join('\n');
}

/** Runs one README curl command; fails on a problem response. */
async function curl(command: string): Promise<Record<string, unknown>> {
  expect(command).toMatch(/^curl /);
  const { code, stdout, stderr } = await runCommand('sh', ['-c', onPort(command, port)], {});
  expect(code, `${command}\n${stderr}`).toBe(0);
  const body = stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  expect(typeof body['status'] === 'number' && body['status'] >= 400, `${command}: ${stdout}`).toBe(
    false,
  );
  return body;
}

/** Follows the README's `curl -sN .../events` command and parses what it prints. */
function follow(command: string) {
  const handle = spawnShell(onPort(command, port), { env: env() });
  const parser = createSseParser();
  const events: { type: string; data: Record<string, unknown> }[] = [];
  let consumed = 0;
  const read = (): void => {
    const text = handle.stdout.join('\n') + '\n';
    for (const message of parser.push(text.slice(consumed))) {
      if (message.event !== 'end') events.push(JSON.parse(message.data) as (typeof events)[number]);
    }
    consumed = text.length;
  };
  const until = async (
    match: (e: (typeof events)[number]) => boolean,
  ): Promise<(typeof events)[number]> => {
    await handle.line(() => {
      read();
      return events.some(match);
    }, 30_000);
    read();
    const found = events.find(match);
    if (found === undefined) throw new Error('unreachable');
    return found;
  };
  const all = async (): Promise<typeof events> => {
    await handle.exited;
    read();
    return events;
  };
  return { handle, events, until, all };
}

describe('README', () => {
  it('lists only commands this file runs', () => {
    const known = [
      /^npm (install|test)$/,
      /^npm start$/,
      /^npm start -- --executor scripted$/,
      /^node dist\/cli\/main\.js (demo|doctor|approvals|approve APPROVAL_ID)$/,
      /^node dist\/cli\/main\.js doctor --pg postgres:\/\/\S+$/,
      /^npm start -- --pg postgres:\/\/\S+$/,
      /^BURROW_PG_URL=postgres:\/\/\S+ npm start -- --port 742[1-3] --host-id host-[abc]$/,
      /^curl /,
      /^OPENAI_BASE_URL=\S+ OPENAI_API_KEY=\S+ BURROW_MODEL=\S+ npm start -- --executor openai-compatible --example-tools$/,
    ];
    const all = commands(README);
    expect(all.length).toBeGreaterThan(15);
    for (const command of all)
      expect(
        known.some((k) => k.test(command)),
        command,
      ).toBe(true);
  });

  it('shows every image it links (the dashboard walkthrough step has its screenshot)', async () => {
    const images = [...README.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
    expect(images).toContain('docs/dashboard.png');
    for (const image of images) {
      const bytes = await readFile(join(ROOT, image));
      expect(bytes.subarray(1, 4).toString('latin1'), image).toBe('PNG');
    }
  });

  it('npm install builds and npm test is the suite CI runs', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    expect(pkg.scripts['prepare']).toBe('npm run build');
    expect(pkg.scripts['test']).toMatch(/^vitest run/);
    expect(pkg.scripts['start']).toBe('node dist/cli/main.js serve');
    expect(pkg.bin['burrow']).toBe('./dist/cli/main.js');
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    // CI runs exactly `npm test`, under a timeout that stops a hung run inside CI's budget.
    expect(ci).toMatch(
      /^timeout --kill-after=\d+ "\$\{BURROW_CI_TEST_TIMEOUT_S:-\d+\}" npm test$/m,
    );
  });

  it('npm start serves the API and the dashboard with the echo executor, as the quick start says', async () => {
    const quick = commands(section('Quick start'));
    expect(quick.slice(0, 3)).toEqual(['npm install', 'npm start', 'npm test']);
    expect(section('Quick start')).toContain(
      `npm start        # burrow serve: http://${DEFAULTS.host}:${DEFAULTS.port}, SQLite in ${DEFAULTS.db.replace(/\/runtime\.db$/, '')}, ${DEFAULTS.executor} executor`,
    );
    const server = await serveAs('npm start');
    await server.line((l) => /^\s+executor\s+echo$/.test(l));
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/`)).text()).toMatch(/<html/i);
    await fetch(`${base}/v1/sessions`, { method: 'POST', body: '{"id":"q"}' });
    const answer = await fetch(`${base}/v1/sessions/q/inputs?wait=10s`, {
      method: 'POST',
      body: '{"kind":"prompt","content":"hi"}',
    });
    expect(await answer.json()).toMatchObject({
      outcome: { status: 'completed', result: { reply: 'echo: hi' } },
    });
    expect(await stopServer(server)).toBe('burrow: stopped');
  });

  it('runs the demo and doctor commands of the quick start', async () => {
    const [demo, doctor] = commands(section('Quick start')).slice(3);
    const demoRun = await runCommand('sh', ['-c', demo ?? ''], { env: env() });
    expect(demoRun.code, demoRun.stderr).toBe(0);
    expect(demoRun.stdout).toMatch(/^1\/7 queue:/m);
    const doctorRun = await runCommand('sh', ['-c', doctor ?? ''], { env: env() });
    expect(doctorRun.code, doctorRun.stdout).toBe(0);
    expect(doctorRun.stdout).toMatch(/all required checks passed/);
  });

  it('the curl session works as written', async () => {
    const [start, ...curls] = commands(section('A session with curl'));
    expect(start).toBe('npm start -- --executor scripted');
    const server = await serveAs(start ?? '');
    const [
      register,
      haiku,
      limerick,
      rabbits,
      watch,
      interrupt,
      getHaiku,
      getRabbits,
      getLimerick,
      remove,
    ] = curls;
    expect(curls).toHaveLength(10);

    await curl(register ?? '');
    const events = follow(watch ?? '');
    expect((await curl(haiku ?? ''))['inputId']).toBe('haiku');
    await events.until((e) => e.type === 'run.started');
    expect(await curl(limerick ?? '')).toMatchObject({ decision: { lane: 'queue' } });
    expect(await curl(rabbits ?? '')).toMatchObject({ decision: { lane: 'steer' } });
    // As the README says: after the first step, the boundary injects the steered input.
    await events.until(
      (e) => e.type === 'run.boundary' && JSON.stringify(e.data['injected']) === '["rabbits"]',
    );

    await curl(interrupt ?? '');
    await events.until((e) => e.type === 'run.cancelled');
    expect(await curl(getHaiku ?? '')).toMatchObject({ outcome: { status: 'cancelled' } });
    expect(await curl(getRabbits ?? '')).toMatchObject({ outcome: { status: 'cancelled' } });
    const next = await events.until(
      (e) => e.type === 'run.started' && JSON.stringify(e.data['inputIds']) === '["limerick"]',
    );
    await events.until((e) => e.type === 'run.completed' && e.data['runId'] === next.data['runId']);
    expect(await curl(getLimerick ?? '')).toMatchObject({
      outcome: { status: 'completed', result: ['then a limerick'] },
    });

    await curl(remove ?? '');
    expect((await events.handle.exited).code).toBe(0);
    expect((await events.all()).at(-1)?.type).toBe('session.unregistered');
    expect(await stopServer(server)).toBe('burrow: stopped');
  }, 60_000);

  (PG_URL === null ? it.skip : it)(
    `"Run on PostgreSQL": doctor checks the database, npm start serves on it, doctor then sees the schema${PG_URL === null ? ' (skipped: set BURROW_TEST_PG_URL to run it)' : ''}`,
    async () => {
      const pgUrl = PG_URL ?? '';
      const [doctor, start] = commands(section('Run on PostgreSQL'));
      const written = /postgres:\/\/\S+/.exec(doctor ?? '')?.[0] ?? '';
      expect(start).toBe(`npm start -- --pg ${written}`);
      // The README's URL points at the test's database; a schema of its own keeps parallel runs apart.
      const schema = createTestSchema(pgUrl);
      const onPg = (command: string): string => command.replace(written, pgUrl);
      const pgEnv = { BURROW_PG_SCHEMA: schema.name };
      try {
        const before = await runCommand('sh', ['-c', onPg(doctor ?? '')], { env: env(pgEnv) });
        expect(before.code, before.stdout).toBe(0);
        expect(before.stdout).toMatch(
          new RegExp(`PostgreSQL \\d+.*schema ${schema.name} not created yet`),
        );
        const server = await serveAs(onPg(start ?? ''), pgEnv);
        await server.line((l) => /^\s+store\s+PostgreSQL postgres:\/\//.test(l));
        const base = `http://127.0.0.1:${port}`;
        await fetch(`${base}/v1/sessions`, { method: 'POST', body: '{"id":"pg"}' });
        const answer = await fetch(`${base}/v1/sessions/pg/inputs?wait=10s`, {
          method: 'POST',
          body: '{"kind":"prompt","content":"hi"}',
        });
        expect(await answer.json()).toMatchObject({
          outcome: { status: 'completed', result: { reply: 'echo: hi' } },
        });
        expect(await stopServer(server)).toBe('burrow: stopped');
        const after = await runCommand('sh', ['-c', onPg(doctor ?? '')], { env: env(pgEnv) });
        expect(after.stdout).toMatch(new RegExp(`schema ${schema.name} v${PG_SCHEMA_VERSION}`));
      } finally {
        await schema.drop();
      }
    },
    60_000,
  );

  it('"Run a real agent": every endpoint line starts the agent, and the curl commands get an answer', async () => {
    const agent = section('Run a real agent');
    const lines = commands(agent).filter((c) => c.startsWith('OPENAI_BASE_URL='));
    const [register, ask] = commands(agent).filter((c) => c.startsWith('curl '));
    expect(lines.map((l) => /BURROW_MODEL=(\S+)/.exec(l)?.[1])).toEqual([
      'gpt-4o-mini',
      'llama3.1',
      'qwen2.5-7b-instruct',
      'Qwen/Qwen2.5-7B-Instruct',
    ]);
    for (const line of lines) {
      const fake = await startFakeOpenAiServer([
        {
          type: 'tool_calls',
          calls: [{ name: 'calculator', arguments: { expression: '(12.5 + 7) * 3' } }],
        },
        { type: 'text', text: 'It is 58.5.' },
      ]);
      try {
        // The endpoint is the only thing replaced: never the internet.
        const local = line.replace(/^OPENAI_BASE_URL=\S+/, `OPENAI_BASE_URL=${fake.url}/v1`);
        expect(local).not.toMatch(/https:|11434|1234\/|8000/);
        const server = await serveAs(local);
        await curl(register ?? '');
        expect(await curl(ask ?? '')).toMatchObject({
          outcome: { status: 'completed', result: 'It is 58.5.' },
        });
        const [first, second] = fake.requests;
        expect(first?.body?.model).toBe(/BURROW_MODEL=(\S+)/.exec(line)?.[1]);
        expect(first?.headers.authorization).toBe(
          `Bearer ${/OPENAI_API_KEY=(\S+)/.exec(line)?.[1] ?? ''}`,
        );
        expect(JSON.stringify(second?.body?.messages)).toContain('58.5');
        expect(await stopServer(server)).toBe('burrow: stopped');
        await rm(join(dir, 'runtime.db'), { force: true });
      } finally {
        await fake.close();
      }
    }
  }, 90_000);

  it('"Approve tool calls": the prompt ends with a pending call; approvals lists it; approve runs it once', async () => {
    const [endpoint] = commands(section('Run a real agent')).filter((c) =>
      c.startsWith('OPENAI_BASE_URL='),
    );
    const [register] = commands(section('Run a real agent')).filter((c) => c.startsWith('curl '));
    const [ask, list, approve] = commands(section('Approve tool calls'));
    expect(endpoint).toContain('--example-tools');
    expect(list).toBe('node dist/cli/main.js approvals');
    expect(approve).toBe('node dist/cli/main.js approve APPROVAL_ID');
    const fake = await startFakeOpenAiServer([
      { type: 'tool_calls', calls: [{ name: 'saveNote', arguments: { note: 'buy milk' } }] },
      { type: 'text', text: 'Saved the note.' },
    ]);
    try {
      const notes = join(dir, 'burrow-notes.txt');
      const local = (endpoint ?? '').replace(
        /^OPENAI_BASE_URL=\S+/,
        `OPENAI_BASE_URL=${fake.url}/v1`,
      );
      const server = await serveAs(local, { BURROW_NOTES_FILE: notes });
      await curl(register ?? '');
      expect(await curl(ask ?? '')).toMatchObject({
        outcome: { status: 'completed', result: { status: 'awaiting_approval' } },
      });
      await expect(readFile(notes, 'utf8')).rejects.toThrow();
      const client = env({ BURROW_URL: `http://127.0.0.1:${port}` });
      const listed = await runCommand('sh', ['-c', list ?? ''], { env: client });
      expect(listed.code, listed.stderr).toBe(0);
      const id = /^(approval-\S+)\s+agent\s+saveNote\s/m.exec(listed.stdout)?.[1];
      expect(id, listed.stdout).toBeDefined();
      const approved = await runCommand(
        'sh',
        ['-c', (approve ?? '').replace('APPROVAL_ID', id ?? '')],
        { env: client },
      );
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toContain(`approved ${id ?? ''}: saveNote {"note":"buy milk"}`);
      expect(approved.stdout).toContain('Saved the note.');
      expect(await readFile(notes, 'utf8')).toBe('buy milk\n');
      expect(JSON.stringify(fake.requests[1]?.body?.messages)).toContain('buy milk');
      expect(await stopServer(server)).toBe('burrow: stopped');
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('the library example type-checks against the built package and runs', async () => {
    const [example] = blocks(section('Use it as a library'), 'ts');
    expect(example).toContain("from 'burrow'");
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules', 'burrow'));
    await writeFile(join(dir, 'example.mts'), example ?? '');
    const tsc = await typecheckStrict(['example.mts'], dir);
    expect(tsc.code, tsc.stdout).toBe(0);
    // The example is plain JavaScript too: run it as it is.
    await writeFile(join(dir, 'example.mjs'), example ?? '');
    const run = await runCommand(process.execPath, ['example.mjs'], { cwd: dir, env: cleanEnv() });
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out[0]).toMatch(/^\S+ completed$/);
    expect(out.at(-1)).toMatch(/^\d+ run\.completed$/);
  });
});
