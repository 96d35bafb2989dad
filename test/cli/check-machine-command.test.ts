// `burrow check-machine` wiring: the checker's progress goes to stderr (only on a terminal), its report
// to stdout, and its verdict becomes the exit code. The checker itself is stood in for here (the real
// exhaustive run is src/core/model/checker.test.ts and `npm run check-machine`).

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingIo } from '../../src/cli/cli-io.js';

const verdict = vi.hoisted(() => {
  const state: { exitCode: 0 | 1; json: boolean | undefined } = { exitCode: 0, json: undefined };
  return state;
});

vi.mock('../../src/cli/check-machine.js', () => ({
  runCheckMachine: (io: {
    out: (line: string) => void;
    progress?: (line: string) => void;
    json?: boolean;
  }) => {
    verdict.json = io.json;
    io.progress?.('exploring scenario-a: 1000 states');
    io.out(io.json === true ? '{"states":1000}' : 'states: 1000 transitions: 5000');
    return { report: {}, elapsedMs: 1, exitCode: verdict.exitCode };
  },
}));

const { runCheckMachineCommand } = await import('../../src/cli/check-machine-command.js');

beforeEach(() => {
  verdict.exitCode = 0;
  verdict.json = undefined;
});

describe('burrow check-machine', () => {
  it('prints the report on stdout and the progress on a terminal only', async () => {
    const tty = recordingIo(true);
    expect(await runCheckMachineCommand({}, tty)).toBe(0);
    expect(tty.stdout).toEqual(['states: 1000 transitions: 5000']);
    expect(tty.stderr).toEqual(['exploring scenario-a: 1000 states']);
    const pipe = recordingIo(false);
    await runCheckMachineCommand({}, pipe);
    expect(pipe.stderr).toEqual([]);
  });

  it('passes --json through and exits 1 when the check fails', async () => {
    verdict.exitCode = 1;
    const io = recordingIo();
    expect(await runCheckMachineCommand({ json: true }, io)).toBe(1);
    expect(verdict.json).toBe(true);
    expect(io.stdout).toEqual(['{"states":1000}']);
  });
});
