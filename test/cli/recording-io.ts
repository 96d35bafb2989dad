// A CliIo for tests: records every line and lets a test wait until what it expects has been written.

import type { CliIo } from '../../src/cli/cli-io.js';

/** A recording io; `interactive` ones also record progress lines on stderr, as a terminal shows them. */
export function recordingIo(options: { interactive: boolean }) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const push = (into: string[], line: string): void => {
    into.push(line);
    waiters.forEach((w) => w());
  };
  const io: CliIo = {
    out: (line) => push(stdout, line),
    err: (line) => push(stderr, line),
    progress: options.interactive ? (line) => push(stderr, line) : () => undefined,
    clearProgress: () => undefined,
    interactive: options.interactive,
  };
  /** Resolves once `match()` holds (checked after every line); fails after 15 s. */
  const until = (match: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; stdout ${stdout.join('\n')}`)),
        15_000,
      );
      const check = (): void => {
        if (!match()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  /** The first stdout line that matches, once there is one. */
  const line = async (match: (l: string) => boolean): Promise<string> => {
    await until(() => stdout.some(match));
    return stdout.find(match) as string;
  };
  return { io, stdout, stderr, until, line };
}
