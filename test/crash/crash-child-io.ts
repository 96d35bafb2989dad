// The crash child's side of the wire: synchronous writes to fd 3, the side file, and the freeze that
// holds the child at an exact point until the parent's SIGKILL lands.

import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import type { CrashMessage, SideRecord } from './crash-protocol.js';

/** The file descriptor the parent reads messages from (the fourth stdio entry, a pipe). */
const MESSAGE_FD = 3;

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error: unknown) {
      // A full pipe on a non-blocking descriptor: the parent is reading, so try again.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/**
 * Sends a message to the parent. Synchronous on purpose: when this returns the bytes are in the pipe,
 * so a message is never lost to the kill that follows it, and messages keep program order.
 */
export function send(message: CrashMessage): void {
  writeAll(MESSAGE_FD, `${JSON.stringify(message)}\n`);
}

/**
 * Blocks the whole process (the event loop included) forever. Nothing after the current statement
 * runs: no microtask, no timer, no other session. The parent kills the child while it is here.
 */
export function freeze(): never {
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/** The append-only side file where the executor records each run it started and finished. */
export interface SideFile {
  append(record: SideRecord): void;
  close(): void;
}

/** Opens the side file for appending; every record is written and fdatasync'd before `append` returns. */
export function openSideFile(path: string): SideFile {
  const fd = openSync(path, 'a');
  return {
    append(record) {
      writeAll(fd, `${JSON.stringify(record)}\n`);
      fdatasyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}
