// `burrow demo` as a real process: every step ends as the runtime's rules say, the outcomes it prints
// agree with the events the runtime emitted, and the text narration prints those same outcomes.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InputOutcome } from '../../src/core/ledger/input-record.js';
import type { DemoInput } from '../../src/cli/demo-kit.js';
import type { DemoStep, DemoStepName } from '../../src/cli/demo-step.js';
import { DEMO_STEPS } from '../../src/cli/demo-step.js';
import type { FakeLlmReport } from '../../src/cli/demo-fake-llm.js';
import { ensureBuilt, killChildren, runCli } from './support/cli-process.js';

beforeAll(ensureBuilt, 180_000);
afterEach(killChildren);

interface Tour {
  readonly steps: DemoStep[];
  readonly fakeLlm?: FakeLlmReport;
}

function step(tour: Tour, name: DemoStepName): DemoStep {
  const found = tour.steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no step ${name}`);
  return found;
}

function input(s: DemoStep, label: string): DemoInput {
  const found = s.inputs.find((i) => i.label === label);
  if (found === undefined) throw new Error(`no input ${label} in ${s.name}`);
  return found;
}

function outcome(s: DemoStep, label: string): InputOutcome {
  const found = input(s, label).outcome;
  if (found === null) throw new Error(`input ${label} of ${s.name} has no outcome`);
  return found;
}

const runOf = (o: InputOutcome): string | null => ('runId' in o ? o.runId : null);

function eventsOf(s: DemoStep, type: string): Record<string, unknown>[] {
  return s.events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
}

describe('burrow demo', () => {
  it('tours every step, and each outcome agrees with the events the runtime emitted', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--json']);
    expect(code, stderr).toBe(0);
    const tour = JSON.parse(stdout) as Tour;
    expect(tour.steps.map((s) => s.name)).toEqual([...DEMO_STEPS]);

    const queue = step(tour, 'queue');
    const [qa, qb] = [outcome(queue, 'A'), outcome(queue, 'B')];
    expect([qa.status, qb.status]).toEqual(['completed', 'completed']);
    expect(runOf(qa)).not.toBe(runOf(qb));
    expect(eventsOf(queue, 'run.started').map((e) => e['runId'])).toEqual([runOf(qa), runOf(qb)]);

    const steer = step(tour, 'steer');
    expect(input(steer, 'B').decision?.lane).toBe('steer');
    expect(runOf(outcome(steer, 'A'))).toBe(runOf(outcome(steer, 'B')));
    expect(eventsOf(steer, 'run.boundary').flatMap((e) => e['injected'] as string[])).toEqual([
      input(steer, 'B').inputId,
    ]);

    const interrupt = step(tour, 'interrupt');
    const ia = outcome(interrupt, 'A');
    expect(ia.status).toBe('cancelled');
    expect(eventsOf(interrupt, 'run.cancelled').map((e) => e['runId'])).toEqual([runOf(ia)]);
    expect(outcome(interrupt, 'B').status).toBe('completed');

    const latest = step(tour, 'latest');
    expect(outcome(latest, 'B')).toEqual({ status: 'superseded', by: input(latest, 'C').inputId });
    expect(eventsOf(latest, 'input.superseded')).toEqual([
      { inputId: input(latest, 'B').inputId, by: input(latest, 'C').inputId },
    ]);
    expect(outcome(latest, 'C').status).toBe('completed');

    const reject = step(tour, 'reject');
    expect(input(reject, 'B')).toMatchObject({ inputId: null, refused: { code: 'session_busy' } });
    expect(eventsOf(reject, 'input.rejected')).toMatchObject([{ code: 'session_busy' }]);
    expect(outcome(reject, 'A').status).toBe('completed');

    const cab = step(tour, 'cancel-after-boundary');
    expect(outcome(cab, 'A')).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled after boundary',
    });
    expect(eventsOf(cab, 'run.boundary')).toHaveLength(1);

    const race = step(tour, 'unregister-race');
    const ra = outcome(race, 'A');
    expect(ra.status).toBe('completed');
    expect(eventsOf(race, 'run.completed').map((e) => e['runId'])).toEqual([runOf(ra)]);
    expect(outcome(race, 'B').status).not.toBe('completed');
    expect(race.events.at(-1)?.type).toBe('session.unregistered');
  });

  it('narrates the outcomes it reports, step by step', async () => {
    const { code, stdout } = await runCli(['demo']);
    expect(code).toBe(0);
    const blocks = stdout.split(/\n(?=\d\/7 )/).slice(1);
    expect(blocks).toHaveLength(7);
    const outcomes = blocks.map((block) =>
      [...block.matchAll(/outcome (\w): (\S+)/g)].map((m) => `${m[1]} ${m[2]}`),
    );
    expect(outcomes).toEqual([
      ['A completed', 'B completed'],
      ['A completed', 'B completed'],
      ['A cancelled', 'B completed'],
      ['A completed', 'B superseded', 'C completed'],
      ['A completed', 'B never'],
      ['A cancelled'],
      ['A completed', expect.stringMatching(/^B (runtime_terminated|abandoned)$/)],
    ]);
    // The runs it names are the runs it reports: the interrupted run is the one it says was cancelled.
    const interrupt = blocks[2] ?? '';
    const cancelledRun = /run (…\w+) cancelled/.exec(interrupt)?.[1];
    expect(cancelledRun).toBeDefined();
    expect(interrupt).toContain(`outcome A: cancelled in run ${cancelledRun}`);
  });

  it('runs one real agent turn against the canned local model with --fake-llm', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--fake-llm', '--json']);
    expect(code, stderr).toBe(0);
    const report = (JSON.parse(stdout) as Tour).fakeLlm;
    // Two requests for the calculator turn, two for the approval round trip.
    expect(report?.modelRequests).toBe(4);
    expect(report?.outcome).toMatchObject({ status: 'completed' });
    expect(report?.progress).toContainEqual(
      expect.objectContaining({
        type: 'tool_result',
        toolName: 'calculator',
        result: { expression: '(12.5 + 7) * 3', value: 58.5 },
      }),
    );
    expect(report?.transcript.map((m) => (m as { role: string }).role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(report?.approval.pending).toMatchObject({
      toolName: 'saveNote',
      input: { note: 'buy milk' },
    });
    expect(report?.approval.outcome).toMatchObject({
      status: 'completed',
      result: 'Saved the note "buy milk".',
    });
    expect(report?.approval.notes).toBe('buy milk\n');
  });
});
