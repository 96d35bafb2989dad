// Where commands write: data to stdout, messages and progress to stderr (so `--json` output stays clean).

/** The output channels of a command; tests capture them, `processIo()` writes to the real streams. */
export interface CliIo {
  /** One line of data (stdout). */
  out(line: string): void;
  /** One line of narration, warnings or errors (stderr). */
  err(line: string): void;
  /** Replaces the current progress line on stderr; does nothing unless stderr is a terminal. */
  progress(line: string): void;
  /** Clears the progress line, if any. */
  clearProgress(): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
}

/** The process's own stdout and stderr. */
export function processIo(): CliIo {
  const interactive = process.stderr.isTTY;
  let drawn = false;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => {
      if (drawn) {
        process.stderr.write('\r\x1b[K');
        drawn = false;
      }
      process.stderr.write(`${line}\n`);
    },
    progress: (line) => {
      if (!interactive) return;
      process.stderr.write(`\r\x1b[K${line}`);
      drawn = true;
    },
    clearProgress: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
    interactive,
  };
}

/** An io that records everything (tests, and commands that run other commands). */
export interface RecordingIo extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

/** Builds a {@link RecordingIo}; progress lines are recorded only when `interactive`. */
export function recordingIo(interactive = false): RecordingIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    progress: (line) => {
      if (interactive) stderr.push(line);
    },
    clearProgress: () => undefined,
    interactive,
  };
}
