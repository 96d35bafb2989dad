// Children of tests never inherit the test process's stdout or stderr: a child that outlives its test
// (a failed test that could not kill it) would hold CI's own output pipe open, and CI would wait for
// it forever. Their stderr is a pipe that this process copies to its own stderr instead.

import type { ChildProcess } from 'node:child_process';

/** Copies `child`'s piped stderr to this process's stderr; returns the child. */
export function forwardStderr<T extends ChildProcess>(child: T): T {
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}
