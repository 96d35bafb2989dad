// A vitest reporter that appends each test file's start and end, and each test case's start, to
// reports/progress.log as they happen. When a run hangs (an event loop starved by a microtask loop
// never fires a test timeout), `.ci/run` stops it and prints from this log what was still running.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

const LOG = 'reports/progress.log';

function write(line: string): void {
  appendFileSync(LOG, `${new Date().toISOString()} ${line}\n`);
}

function name(module: TestModule): string {
  return relative(process.cwd(), module.moduleId);
}

// eslint-disable-next-line no-restricted-syntax -- vitest reads a reporter module's default export
export default class ProgressReporter implements Reporter {
  onInit(): void {
    mkdirSync(dirname(LOG), { recursive: true });
    writeFileSync(LOG, '');
  }

  onTestModuleStart(module: TestModule): void {
    write(`start ${name(module)}`);
  }

  onTestCaseReady(testCase: TestCase): void {
    write(`case ${name(testCase.module)} > ${testCase.fullName}`);
  }

  onTestModuleEnd(module: TestModule): void {
    write(`end ${name(module)} ${module.state()}`);
  }
}
