// Global setup of `npm run test:crash`: gives the test files a directory to add their kill points
// to, and prints the total (`kill points: N`) once every file has finished.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** Creates the tally directory and returns the teardown that prints the total. */
export function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-crash-tally-'));
  project.provide('crashTallyDir', dir);
  return () => {
    let total = 0;
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n'))
        if (line !== '') total += Number(line);
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`kill points: ${total}`);
  };
}
