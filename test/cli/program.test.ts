// Argument parsing of `burrow`: each command reaches its handler with the flags as typed, usage errors
// exit 2 without running anything, help and version exit 0.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../src/cli/cli-io.js';
import { EXIT, type ExitCode } from '../../src/cli/exit-codes.js';
import { runCli, type CommandHandlers } from '../../src/cli/program.js';

type Call = { command: string; args: unknown[] };

function recorder(code: ExitCode = EXIT.ok): { handlers: CommandHandlers; calls: Call[] } {
  const calls: Call[] = [];
  const handler =
    (command: string) =>
    (...args: unknown[]): Promise<ExitCode> => {
      calls.push({ command, args });
      return Promise.resolve(code);
    };
  return {
    calls,
    handlers: {
      serve: handler('serve'),
      demo: handler('demo'),
      sessions: handler('sessions'),
      send: handler('send'),
      tail: handler('tail'),
      approvals: handler('approvals'),
      decide: handler('decide'),
      checkMachine: handler('checkMachine'),
      bench: handler('bench'),
      doctor: handler('doctor'),
    },
  };
}

async function parse(argv: string[]) {
  const { handlers, calls } = recorder();
  const io = recordingIo();
  const code = await runCli(argv, handlers, io);
  return { code, calls, io };
}

describe('burrow argument parsing', () => {
  it('passes serve flags through untouched, so the config module can apply precedence', async () => {
    const { code, calls } = await parse([
      'serve',
      '--db',
      '/tmp/a.db',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--executor',
      'openai-compatible',
      '--example-tools',
      '--token',
      't',
      '--log-level',
      'info',
      '--json',
    ]);
    expect(code).toBe(EXIT.ok);
    expect(calls).toEqual([
      {
        command: 'serve',
        args: [
          {
            db: '/tmp/a.db',
            port: '0',
            host: '127.0.0.1',
            executor: 'openai-compatible',
            exampleTools: true,
            token: 't',
            logLevel: 'info',
            json: true,
          },
        ],
      },
    ]);
  });

  it('leaves absent flags absent (no commander defaults that would hide the environment)', async () => {
    const { calls } = await parse(['serve']);
    expect(calls).toEqual([{ command: 'serve', args: [{}] }]);
  });

  it('parses send with its policy, wait and creation flags', async () => {
    const { calls } = await parse([
      'send',
      's1',
      'hello there',
      '--when-busy',
      'steer',
      '--wait',
      '5s',
      '--create',
      '--url',
      'http://127.0.0.1:1',
    ]);
    expect(calls).toEqual([
      {
        command: 'send',
        args: [
          's1',
          'hello there',
          { whenBusy: 'steer', wait: '5s', create: true, url: 'http://127.0.0.1:1' },
        ],
      },
    ]);
  });

  it('accepts --wait without a value', async () => {
    const { calls } = await parse(['send', 's1', 'hi', '--wait']);
    expect(calls[0]?.args[2]).toEqual({ wait: true });
  });

  it('parses the session list filters', async () => {
    const { calls } = await parse([
      'sessions',
      '--phase',
      'running',
      '--search',
      'web',
      '--sort',
      '-queue',
      '--offset',
      '10',
    ]);
    expect(calls[0]?.args[0]).toEqual({
      phase: 'running',
      search: 'web',
      sort: '-queue',
      offset: 10,
    });
  });

  it('parses approvals, approve and deny (with --session, --reason and --wait)', async () => {
    const listed = await parse(['approvals', 's1', '--json']);
    expect(listed.calls).toEqual([{ command: 'approvals', args: ['s1', { json: true }] }]);
    const all = await parse(['approvals']);
    expect(all.calls).toEqual([{ command: 'approvals', args: [undefined, {}] }]);
    const approved = await parse(['approve', 'a1', '--session', 's1', '--wait', '5s']);
    expect(approved.calls).toEqual([
      { command: 'decide', args: ['a1', 'approve', { session: 's1', wait: '5s' }] },
    ]);
    const denied = await parse(['deny', 'a1', '--reason', 'not now']);
    expect(denied.calls).toEqual([
      { command: 'decide', args: ['a1', 'deny', { reason: 'not now' }] },
    ]);
    const refused = await parse(['approve', 'a1', '--reason', 'x']);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.calls).toEqual([]);
  });

  it('lists the drain deadline and the scripted step variable in serve --help', async () => {
    const { io } = await parse(['serve', '--help']);
    const help = io.stdout.join('\n');
    expect(help).toContain('--drain-timeout <duration>');
    expect(help).toContain('BURROW_DRAIN_TIMEOUT');
    expect(help).toContain('BURROW_SCRIPTED_STEP_MS');
  });

  it('parses tail cursors and limits as numbers', async () => {
    const { calls } = await parse(['tail', 's1', '--since', '12', '--max', '3', '--json']);
    expect(calls).toEqual([{ command: 'tail', args: ['s1', { since: 12, max: 3, json: true }] }]);
  });

  it('routes demo, sessions, check-machine, bench and doctor', async () => {
    const runs = await Promise.all([
      parse(['demo', '--fake-llm', '--json']),
      parse(['sessions', '--limit', '5']),
      parse(['check-machine', '--json']),
      parse(['bench', 'latency', '--quick']),
      parse(['doctor', '--pg', 'postgres://127.0.0.1/x', '--db', '/tmp/d.db']),
    ]);
    expect(runs.map((r) => r.calls[0])).toEqual([
      { command: 'demo', args: [{ fakeLlm: true, json: true }] },
      { command: 'sessions', args: [{ limit: 5 }] },
      { command: 'checkMachine', args: [{ json: true }] },
      { command: 'bench', args: ['latency', { quick: true }] },
      { command: 'doctor', args: [{ pg: 'postgres://127.0.0.1/x', db: '/tmp/d.db' }] },
    ]);
  });

  it('returns the exit code of the handler', async () => {
    const { handlers } = recorder(EXIT.unreachable);
    expect(await runCli(['sessions'], handlers, recordingIo())).toBe(EXIT.unreachable);
  });

  it.each([
    [['serve', '--executor', 'gpt-5']],
    [['serve', '--log-level', 'loud']],
    [['send', 's1', 'hi', '--when-busy', 'sometimes']],
    [['send', 's1']],
    [['tail', 's1', '--since', '-1']],
    [['send', 's1', 'hi', '--wait', '5x']],
    [['sessions', '--limit', '0']],
    [['sessions', '--limit', '1001']],
    [['sessions', '--phase', 'sleeping']],
    [['sessions', '--sort', 'size']],
    [['serve', '--no-such-flag']],
    [['frobnicate']],
    [[]],
  ])('exits 2 without running anything for %j', async (argv) => {
    const { code, calls, io } = await parse(argv);
    expect(code).toBe(EXIT.usage);
    expect(calls).toEqual([]);
    expect(io.stderr.join('\n')).not.toBe('');
  });

  it('exits 0 for --help and --version, and prints the package version', async () => {
    const help = await parse(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.io.stdout.join('\n')).toMatch(/serve[\s\S]*demo[\s\S]*doctor/);
    const version = await parse(['--version']);
    expect(version.code).toBe(EXIT.ok);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version.io.stdout).toEqual([pkg.version]);
  });
});
