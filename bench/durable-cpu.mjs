// CPU per durable turn of one build, for A/B runs of two builds (alternate them; the machine is
// shared): `node bench/durable-cpu.mjs <repo root with dist/> [normal|full|storeless] [turns]`.
// One session, a no-op executor, warm-up turns first; prints process.cpuUsage per turn as JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const root = resolve(process.argv[2] ?? '.');
const mode = process.argv[3] ?? 'normal';
const turns = Number(process.argv[4] ?? (mode === 'storeless' ? 10_000 : 2_000));
const { createRuntime } = await import(join(root, 'dist/index.js'));
const { openSqliteStore } = await import(join(root, 'dist/sqlite.js'));
const noop = { apply: () => Promise.resolve({ status: 'completed_without_result' }) };
const dir = mkdtempSync(join(tmpdir(), 'burrow-cpu-'));
const store =
  mode === 'storeless'
    ? undefined
    : await openSqliteStore(join(dir, 'b.db'), { synchronous: mode });
const runtime = await createRuntime(store === undefined ? {} : { store, pruneIntervalMs: 0 });
await runtime.registerSessionWithExecutor('s1', noop);
const turn = async (content) =>
  (await runtime.acceptInput('s1', { kind: 'prompt', content })).completion;
for (let i = 0; i < (mode === 'storeless' ? 2_000 : 300); i += 1) await turn('w');
const cpu0 = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < turns; i += 1) await turn('x');
const cpu = process.cpuUsage(cpu0);
const wall = ((performance.now() - start) * 1000) / turns;
await runtime.close();
rmSync(dir, { recursive: true, force: true });
const per = (us) => Math.round((us / turns) * 10) / 10;
process.stdout.write(
  JSON.stringify({
    root,
    mode,
    cpu: per(cpu.user + cpu.system),
    user: per(cpu.user),
    sys: per(cpu.system),
    wall: Math.round(wall * 10) / 10,
  }) + '\n',
);
