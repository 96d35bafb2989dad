// `burrow check-machine`: runs the exhaustive model check and prints its statistics (and any counterexample).

import { MODEL_CHECK_FLOOR } from '../core/model/domain.js';
import type { ModelCheckReport } from '../core/model/checker.js';
import { checkModel } from '../core/model/checker.js';

/** What `runCheckMachine` printed and how the command should exit. */
export interface CheckMachineOutcome {
  readonly report: ModelCheckReport;
  readonly elapsedMs: number;
  readonly exitCode: 0 | 1;
}

/** Formats a report for people: statistics, per-scenario lines, and each failure with its trace. */
export function formatReport(report: ModelCheckReport, elapsedMs: number): string {
  const lines = [`states: ${report.states} transitions: ${report.transitions}`];
  for (const s of report.scenarios) {
    lines.push(
      `  ${s.scenario}: ${s.states} states, ${s.transitions} transitions, ${s.refusals} refusals, ${s.pruned} pruned at the bounds`,
    );
  }
  lines.push(
    `  emits: every step emitted only what its row declares; ${report.declaredEmits} declared (row, effect) pairs each emitted in an explored state`,
    `  ${(elapsedMs / 1000).toFixed(1)} s; floor ${MODEL_CHECK_FLOOR} states`,
  );
  for (const failure of report.failures) {
    lines.push(`FAILED ${failure.property}: ${failure.detail}`, '  shortest trace:');
    failure.trace.forEach((input, index) =>
      lines.push(`    ${index + 1}. ${JSON.stringify(input)}`),
    );
  }
  return lines.join('\n');
}

/** Runs the check, printing progress to `progress` and the report to `out`. */
export function runCheckMachine(io: {
  out: (line: string) => void;
  progress?: (line: string) => void;
  json?: boolean;
}): CheckMachineOutcome {
  const started = performance.now();
  const report = checkModel({
    onProgress: (scenario, states) => io.progress?.(`exploring ${scenario}: ${states} states`),
  });
  const elapsedMs = performance.now() - started;
  const belowFloor = report.states < MODEL_CHECK_FLOOR;
  if (io.json) {
    io.out(
      JSON.stringify({
        states: report.states,
        transitions: report.transitions,
        elapsedMs,
        floor: MODEL_CHECK_FLOOR,
        declaredEmits: report.declaredEmits,
        scenarios: report.scenarios,
        failures: report.failures,
      }),
    );
  } else {
    io.out(formatReport(report, elapsedMs));
    if (belowFloor)
      io.out(
        `FAILED floor: ${report.states} states is below the committed floor of ${MODEL_CHECK_FLOOR}`,
      );
  }
  return { report, elapsedMs, exitCode: report.failures.length === 0 && !belowFloor ? 0 : 1 };
}
