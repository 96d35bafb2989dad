// `burrow bench` against a stand-in suite (a bench/run.ts in a temporary clone): progress from the
// suite's announcements, its table as JSON, its flags passed through, and its failure as exit 1.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBench } from '../../src/cli/bench-command.js';
import { recordingIo } from '../../src/cli/cli-io.js';
import { CliError, EXIT } from '../../src/cli/exit-codes.js';

let root: string;

const SUITE = `
const args = process.argv.slice(2).join(' ') || '(none)';
process.stderr.write('running first suite...\\n');
process.stderr.write('running second suite...\\n');
process.stdout.write('| Benchmark | Burrow |\\n|---|---|\\n| args | ' + args + ' |\\n| turn | 5 us |\\n');
process.exitCode = process.env.FAKE_BENCH_FAIL === '1' ? 1 : 0;
`;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'burrow-bench-'));
  await mkdir(join(root, 'bench'));
  await writeFile(join(root, 'package.json'), '{"name":"clone","type":"module"}');
  await writeFile(join(root, 'bench', 'run.ts'), SUITE);
  await symlink(resolve('node_modules'), join(root, 'node_modules'));
});

afterEach(async () => {
  delete process.env['FAKE_BENCH_FAIL'];
  await rm(root, { recursive: true, force: true });
});

describe('burrow bench', () => {
  it('runs the suite with its flags and reports its rows as JSON', async () => {
    const io = recordingIo(true);
    expect(await runBench('latency', { json: true, quick: true }, io, root)).toBe(EXIT.ok);
    expect(JSON.parse(io.stdout.join(''))).toEqual({
      ok: true,
      exitCode: 0,
      suites: ['first suite', 'second suite'],
      results: [
        { Benchmark: 'args', Burrow: '--quick --only=latency' },
        { Benchmark: 'turn', Burrow: '5 us' },
      ],
    });
    expect(io.stderr.some((line) => line.includes('second suite'))).toBe(true);
  });

  it('prints the suite table and a one-line summary for people', async () => {
    const io = recordingIo();
    expect(await runBench(undefined, {}, io, root)).toBe(EXIT.ok);
    expect(io.stdout.join('\n')).toContain('| args | (none) |');
    expect(io.stderr).toEqual([expect.stringMatching(/^ran 2 suites in \d+\.\d s$/)]);
  });

  it('exits 1 when the suite fails', async () => {
    process.env['FAKE_BENCH_FAIL'] = '1';
    const failure = await runBench(undefined, {}, recordingIo(), root).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).exitCode).toBe(EXIT.failure);
  });

  it('exits 2 when no suite matches the filter', async () => {
    await writeFile(
      join(root, 'bench', 'run.ts'),
      "process.stdout.write('| Benchmark |\\n|---|\\n');",
    );
    const failure = await runBench('nothing', {}, recordingIo(), root).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).exitCode).toBe(EXIT.usage);
  });

  it('explains that it needs a clone when bench/ is missing', async () => {
    await rm(join(root, 'bench'), { recursive: true });
    const failure = await runBench(undefined, {}, recordingIo(), root).catch((e: unknown) => e);
    expect((failure as CliError).message).toMatch(/runs from a clone of the repository/);
  });
});
