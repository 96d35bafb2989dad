// `burrow/client` as a user imports it: through the package's exports, from the built dist/, in a
// program that type-checks under `tsc --strict` and runs against a real server.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { cleanEnv, ensureBuilt, ROOT, runCommand, typecheckStrict } from './support/cli-process.js';

const PROGRAM = `
import { BurrowApiError, createBurrowClient, type InputOutcome } from 'burrow/client';

const client = createBurrowClient({ url: process.argv[2] ?? '', token: 'pkg-token' });
await client.registerSession('pkg');
const answer = await client.send('pkg', { kind: 'prompt', content: 'from the package' }, { wait: '5s' });
const outcome: InputOutcome | null = answer.outcome;
if (outcome?.status === 'completed') console.log('completed', JSON.stringify(outcome.result));
for await (const event of client.events('pkg', { since: 0 })) {
  if (event.type === 'run.completed') break;
}
try {
  await client.getInput('pkg', 'nope');
} catch (error) {
  if (error instanceof BurrowApiError) console.log(error.status, error.code);
}
`;

let dir: string;
let runtime: Runtime;
let server: RunningServer;

beforeAll(ensureBuilt, 180_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-client-pkg-'));
  runtime = await createRuntime();
  server = await startServer({
    runtime,
    executorFactory: () => echoExecutor(),
    host: '127.0.0.1',
    port: 0,
    token: 'pkg-token',
  });
});

afterEach(async () => {
  await server.close();
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('burrow/client from the built package', () => {
  it('type-checks under tsc --strict and talks to a server', async () => {
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules', 'burrow'));
    await writeFile(join(dir, 'program.mts'), PROGRAM);
    const tsc = await typecheckStrict(['program.mts'], dir);
    expect(tsc.code, tsc.stdout).toBe(0);
    // Type-only syntax aside, the program is plain JavaScript: strip it and run it.
    await writeFile(
      join(dir, 'program.mjs'),
      PROGRAM.replace(', type InputOutcome', '').replace(': InputOutcome | null', ''),
    );
    const run = await runCommand(process.execPath, ['program.mjs', server.url], {
      cwd: dir,
      env: cleanEnv(),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'completed {"reply":"echo: from the package","inputs":1}',
      '404 input_not_found',
    ]);
  }, 60_000);
});
