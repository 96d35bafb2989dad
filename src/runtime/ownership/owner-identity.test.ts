// Owner identity against real processes: live, killed but not reaped (zombies), gone, pid reuse, and an
// earlier incarnation with our own pid.

import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { processState } from '../../../test/support/process-state.js';
import type { OwnerIdentity } from './owner-identity.js';
import {
  currentIdentity,
  formatOwnerId,
  ownerLiveness,
  parseOwnerId,
  processStartTime,
} from './owner-identity.js';

const self = currentIdentity('self');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
});

function ownerOf(pid: number, startTime: string | null, nonce = 'n'): string {
  return formatOwnerId({ ...self, pid, startTime, nonce });
}

function sleeper(seconds: number): ChildProcess & { pid: number } {
  const child = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
  children.push(child);
  if (child.pid === undefined) throw new Error('sleep did not start');
  return child as ChildProcess & { pid: number };
}

describe('owner ids', () => {
  it('round-trip host, boot id, pid, start time and nonce, and read the earlier host/pid/nonce form', () => {
    const identity: OwnerIdentity = {
      host: 'box',
      bootId: 'b00t',
      pid: 42,
      startTime: '1234',
      nonce: 'abc',
    };
    expect(parseOwnerId(formatOwnerId(identity))).toEqual(identity);
    expect(parseOwnerId(formatOwnerId({ ...identity, bootId: null, startTime: null }))).toEqual({
      ...identity,
      bootId: null,
      startTime: null,
    });
    expect(parseOwnerId('box/42/abc')).toEqual({
      host: 'box',
      bootId: null,
      pid: 42,
      startTime: null,
      nonce: 'abc',
    });
    expect(parseOwnerId('host-a')).toBeNull();
    expect(parseOwnerId('box/zero/abc')).toBeNull();
  });

  it('knows this process by its boot id and start time', () => {
    expect(self.pid).toBe(process.pid);
    expect(self.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(self.startTime).toMatch(/^\d+$/);
  });
});

describe('owner liveness on this machine', () => {
  it('finds a live process alive, and its pid with another start time gone (the pid was reused)', () => {
    const child = sleeper(30);
    const started = processStartTime(child.pid);
    expect(started).not.toBeNull();
    expect(ownerLiveness(ownerOf(child.pid, started), self)).toBe('alive');
    expect(ownerLiveness(ownerOf(child.pid, `${Number(started) + 1}`), self)).toBe('gone');
  });

  it('finds a SIGKILLed process gone before its parent reaped it, although kill(pid, 0) still succeeds', () => {
    const child = sleeper(30);
    const owner = ownerOf(child.pid, processStartTime(child.pid));
    child.kill('SIGKILL');
    // Synchronously: this process's event loop cannot reap the child until the loop runs again.
    const deadline = Date.now() + 5_000;
    while (processState(child.pid) !== 'Z' && Date.now() < deadline);
    expect(processState(child.pid)).toBe('Z');
    expect(() => process.kill(child.pid, 0)).not.toThrow();
    expect(ownerLiveness(owner, self)).toBe('gone');
  });

  it('finds a zombie whose parent never waits gone', async () => {
    // The shell starts a sleeper and then becomes `sleep 60`, which never waits for its children.
    const parent = spawn('sh', ['-c', 'sleep 30 & echo $!; exec sleep 60'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(parent);
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: parent.stdout as NodeJS.ReadableStream }).once('line', resolve),
    );
    const pid = Number(line);
    // Kill only once the shell has become `sleep 60`: before its exec, the shell itself may reap the job.
    for (let i = 0; i < 500 && commandOf(parent.pid as number) !== 'sleep'; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(commandOf(parent.pid as number)).toBe('sleep');
    const owner = ownerOf(pid, processStartTime(pid));
    expect(ownerLiveness(owner, self)).toBe('alive');
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 500 && processState(pid) !== 'Z'; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(processState(pid)).toBe('Z');
    expect(ownerLiveness(owner, self)).toBe('gone');
  });

  it('finds a process that exited and was reaped gone', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    expect(ownerLiveness(ownerOf(gone.pid, '1'), self)).toBe('gone');
  });

  it('finds an earlier incarnation with our own pid gone, and runtimes of this process alive', () => {
    expect(ownerLiveness(ownerOf(process.pid, self.startTime, 'other'), self)).toBe('alive');
    expect(ownerLiveness(ownerOf(process.pid, `${Number(self.startTime) + 1}`), self)).toBe('gone');
    expect(ownerLiveness(`${self.host}/${process.pid}/old`, self)).toBe('gone');
  });

  it('finds the owners of an earlier boot of this host gone', () => {
    const owner = formatOwnerId({ ...self, bootId: 'another-boot', pid: process.pid });
    expect(ownerLiveness(owner, self)).toBe('gone');
  });

  it('never judges another host or a caller-chosen host id', () => {
    expect(ownerLiveness('host-a', self)).toBe('unknown');
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    expect(ownerLiveness(formatOwnerId({ ...self, host: 'elsewhere', pid: gone.pid }), self)).toBe(
      'unknown',
    );
  });

  it('without /proc, finds a pid that does not exist gone and leaves any other to its lease expiry', () => {
    const view = { procRoot: '/nonexistent-proc' };
    const bare = currentIdentity('bare', view);
    expect(bare.bootId).toBeNull();
    expect(bare.startTime).toBeNull();
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    expect(ownerLiveness(formatOwnerId({ ...bare, pid: gone.pid }), bare, view)).toBe('gone');
    const child = sleeper(30);
    expect(ownerLiveness(formatOwnerId({ ...bare, pid: child.pid }), bare, view)).toBe('unknown');
    expect(ownerLiveness(formatOwnerId({ ...bare, nonce: 'other' }), bare, view)).toBe('unknown');
  });
});

function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}
