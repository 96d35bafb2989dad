// `burrow demo`: the narrated tour — one process, a memory store, scripted turns held open by gates.

import { createRuntime } from '../runtime/runtime.js';
import { memoryStore } from '../store/memory/memory-store.js';
import type { CliIo } from './cli-io.js';
import { cancelAfterBoundaryStep, unregisterRaceStep } from './demo-control-steps.js';
import { createEventLog, describeOutcome, shortId, type DemoInput } from './demo-kit.js';
import {
  interruptStep,
  latestStep,
  queueStep,
  rejectStep,
  steerStep,
} from './demo-policy-steps.js';
import type { DemoStep, StoryEvent } from './demo-step.js';
import { EXIT, type ExitCode } from './exit-codes.js';

const INTRO = [
  'Burrow demo: one process, an in-memory store, and a scripted executor whose turns wait on gates,',
  'so every second input arrives while a turn is running. Ids, decisions, events and outcomes below',
  'are what the runtime reported.',
];

function labelOf(inputs: readonly DemoInput[], id: unknown): string {
  const found = inputs.find((input) => input.inputId === id);
  return found?.label ?? (typeof id === 'string' ? shortId(id) : '?');
}

/** One event in a few words, with input ids replaced by the step's labels (A, B, C). */
export function describeEvent(event: StoryEvent, inputs: readonly DemoInput[]): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const labels = (ids: unknown): string =>
    Array.isArray(ids) ? `[${ids.map((id) => labelOf(inputs, id)).join(', ')}]` : '[]';
  const run = typeof data['runId'] === 'string' ? `run ${shortId(data['runId'])}` : '';
  switch (event.type) {
    case 'run.started':
      return `${run} started with ${labels(data['inputIds'])}`;
    case 'run.boundary':
      return `${run} boundary ${String(data['n'])}, injected ${labels(data['injected'])}`;
    case 'run.cancelled':
      return `${run} cancelled (${String(data['reason'])})`;
    case 'input.accepted':
    case 'input.abandoned':
      return `${labelOf(inputs, data['inputId'])} ${event.type.slice('input.'.length)}`;
    case 'input.superseded':
      return `${labelOf(inputs, data['inputId'])} superseded by ${labelOf(inputs, data['by'])}`;
    case 'input.rejected':
      return `input rejected (${String(data['code'])})`;
    case 'run.completed':
      return `${run} committed (${String(data['resultClass'])})`;
    case 'session.unregistered':
      return 'session removed';
    default:
      return `${run} ${event.type}`.trim();
  }
}

function printStep(io: CliIo, step: DemoStep, index: number, total: number): void {
  io.out(`\n${index + 1}/${total} ${step.title}`);
  for (const input of step.inputs) {
    const policy = input.whenBusy ?? 'default';
    const answer =
      input.refused !== null
        ? `refused: ${input.refused.code}`
        : `accepted as ${shortId(input.inputId)}, lane ${input.decision?.lane ?? '?'} (${input.decision?.queueMode ?? '?'})`;
    io.out(
      `    send    ${input.label} ${JSON.stringify(input.content)} [whenBusy ${policy}] → ${answer}`,
    );
  }
  for (const event of step.events) {
    const seq = event.seq === null ? 'live' : `#${event.seq}`;
    io.out(`    event   ${seq} ${event.type}: ${describeEvent(event, step.inputs)}`);
  }
  for (const input of step.inputs) {
    if (input.outcome !== null)
      io.out(`    outcome ${input.label}: ${describeOutcome(input.outcome)}`);
    else if (input.refused !== null)
      io.out(`    outcome ${input.label}: never accepted (${input.refused.message})`);
  }
  for (const line of step.why) io.out(`    why     ${line}`);
}

/** Runs the tour; `--json` prints `{ steps: [...] }` with every outcome exactly as settled. */
export async function runDemo(
  flags: { readonly json?: boolean; readonly fakeLlm?: boolean },
  io: CliIo,
): Promise<ExitCode> {
  const runtime = await createRuntime({ store: memoryStore() });
  const log = createEventLog(runtime);
  const steps: DemoStep[] = [];
  const tour = [
    queueStep,
    steerStep,
    interruptStep,
    latestStep,
    rejectStep,
    cancelAfterBoundaryStep,
    unregisterRaceStep,
  ];
  try {
    if (flags.json !== true) INTRO.forEach((line) => io.out(line));
    for (const [index, run] of tour.entries()) {
      const step = await run(runtime, log);
      steps.push(step);
      if (flags.json !== true) printStep(io, step, index, tour.length);
    }
    if (flags.fakeLlm === true) {
      const { fakeLlmStep } = await import('./demo-fake-llm.js');
      const step = await fakeLlmStep(flags.json !== true ? io : null);
      if (flags.json === true) io.out(JSON.stringify({ steps, fakeLlm: step }));
    } else if (flags.json === true) {
      io.out(JSON.stringify({ steps }));
    }
  } finally {
    log.stop();
    await runtime.close();
  }
  if (flags.json !== true)
    io.out('\nThat was the tour. Next: npm start, then the curl session in the README.');
  return EXIT.ok;
}
