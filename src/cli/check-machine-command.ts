// `burrow check-machine`: the model checker of check-machine.ts, with its progress on stderr.

import type { CliIo } from './cli-io.js';
import { runCheckMachine } from './check-machine.js';
import type { ExitCode } from './exit-codes.js';

/** Runs the exhaustive check; exit 1 when a property fails or the state count is below the floor. */
export function runCheckMachineCommand(
  flags: { readonly json?: boolean },
  io: CliIo,
): Promise<ExitCode> {
  const outcome = runCheckMachine({
    out: (line) => io.out(line),
    progress: (line) => io.progress(line),
    json: flags.json === true,
  });
  io.clearProgress();
  return Promise.resolve(outcome.exitCode);
}
