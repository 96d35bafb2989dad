// Entry point of `npm run check-machine` (the `burrow check-machine` command wraps the same function).

import { runCheckMachine } from './check-machine.js';

const json = process.argv.includes('--json');
const outcome = runCheckMachine({
  out: (line) => process.stdout.write(`${line}\n`),
  progress: (line) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${line}   `);
  },
  json,
});
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
process.exitCode = outcome.exitCode;
