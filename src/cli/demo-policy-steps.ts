// The demo's whenBusy steps: queue, steer, interrupt, latest and reject, each on its own session with a
// first turn held open by a gate, so the second input always arrives while a turn runs.

import type { ScriptedTurn } from '../executors/scripted-executor.js';
import { scriptedExecutor } from '../executors/scripted-executor.js';
import type { Runtime } from '../runtime/runtime-api.js';
import type { DemoInput, EventLog, Sent } from './demo-kit.js';
import { createGate, send, shortId } from './demo-kit.js';
import type { DemoStep } from './demo-step.js';
import { storyOf } from './demo-step.js';

/** A session whose first turn waits on a gate (at its first step); later turns run through. */
async function heldSession(
  runtime: Runtime,
  log: EventLog,
  sessionId: string,
  first: ScriptedTurn = {},
): Promise<{ release(): void; running: Promise<unknown> }> {
  const gate = createGate();
  const executor = scriptedExecutor((_run, index) =>
    index === 0
      ? { ...first, gate: (step) => (step === 0 ? gate.promise : Promise.resolve()) }
      : {},
  );
  await runtime.registerSessionWithExecutor(sessionId, executor);
  return { release: gate.open, running: log.waitFor(sessionId, 'run.started') };
}

async function settleAll(sent: readonly Sent[]): Promise<DemoInput[]> {
  for (const s of sent) await s.settled();
  return sent.map((s) => s.input);
}

function runOf(input: DemoInput | undefined): string | null {
  const outcome = input?.outcome;
  return outcome !== null && outcome !== undefined && 'runId' in outcome ? outcome.runId : null;
}

/** queue: the second prompt waits and runs in its own, later turn. */
export async function queueStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-queue';
  const session = await heldSession(runtime, log, id);
  const a = await send(runtime, id, 'A', 'write a haiku about burrows');
  await session.running;
  const b = await send(runtime, id, 'B', 'now a limerick', 'queue');
  session.release();
  const inputs = await settleAll([a, b]);
  const [runA, runB] = [runOf(inputs[0]), runOf(inputs[1])];
  return {
    name: 'queue',
    title: 'queue: a prompt sent while a turn runs waits for the next turn',
    inputs,
    events: storyOf(log.of(id)),
    why: [
      runA !== null && runB !== null && runA !== runB
        ? `A ran in run ${shortId(runA)}; B waited in the queue lane and ran in its own run ${shortId(runB)}, after A's turn committed.`
        : `A and B did not run in separate turns (runs ${shortId(runA)} and ${shortId(runB)}).`,
    ],
  };
}

/** steer: the second input joins the running turn at its next boundary. */
export async function steerStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-steer';
  const session = await heldSession(runtime, log, id, { steps: 2 });
  const a = await send(runtime, id, 'A', 'plan a trip to the coast');
  await session.running;
  const b = await send(runtime, id, 'B', 'avoid motorways', 'steer');
  session.release();
  const inputs = await settleAll([a, b]);
  const boundary = log.of(id).find((e) => e.type === 'run.boundary' && e.data.injected.length > 0);
  const injected = boundary?.type === 'run.boundary' ? boundary.data.injected : [];
  const same = runOf(inputs[0]) !== null && runOf(inputs[0]) === runOf(inputs[1]);
  return {
    name: 'steer',
    title: 'steer: an input sent while a turn runs is injected into it at the next step boundary',
    inputs,
    events: storyOf(log.of(id)),
    why: [
      `The run's boundary ${boundary?.type === 'run.boundary' ? boundary.data.n : '?'} injected ${injected.map(shortId).join(', ') || 'nothing'}; ` +
        (same
          ? `A and B completed in the same run ${shortId(runOf(inputs[0]))}: no second turn was needed.`
          : 'A and B completed in different runs.'),
    ],
  };
}

/** interrupt: the running turn is hard-cancelled and the interrupting input runs next. */
export async function interruptStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-interrupt';
  const session = await heldSession(runtime, log, id);
  const a = await send(runtime, id, 'A', 'summarise this 300-page report');
  await session.running;
  const b = await send(runtime, id, 'B', 'stop, answer this first', 'interrupt');
  const inputs = await settleAll([a, b]);
  session.release();
  const cancelled = log.of(id).find((e) => e.type === 'run.cancelled');
  return {
    name: 'interrupt',
    title: 'interrupt: the running turn is hard-cancelled; the interrupting input runs next',
    inputs,
    events: storyOf(log.of(id)),
    why: [
      `The runtime aborted run ${cancelled?.type === 'run.cancelled' ? shortId(cancelled.data.runId) : '?'} through its signal; ` +
        `A's caller was told "${inputs[0]?.outcome?.status ?? '?'}" (it is not silently re-run), and B ran in run ${shortId(runOf(inputs[1]))}.`,
    ],
  };
}

/** latest: a newer prompt replaces the older queued one, which ends superseded. */
export async function latestStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-latest';
  const session = await heldSession(runtime, log, id);
  const a = await send(runtime, id, 'A', 'draft the release notes');
  await session.running;
  const b = await send(runtime, id, 'B', 'search flights for Monday', 'queue');
  const c = await send(runtime, id, 'C', 'search flights for Tuesday instead', 'latest');
  session.release();
  const inputs = await settleAll([a, b, c]);
  const bOutcome = inputs[1]?.outcome;
  return {
    name: 'latest',
    title: 'latest: a newer prompt replaces older queued prompts',
    inputs,
    events: storyOf(log.of(id)),
    why: [
      bOutcome?.status === 'superseded'
        ? `B was still queued when C arrived, so it ended superseded by ${shortId(bOutcome.by)} (C) and never ran; A, already running, was not touched.`
        : `B ended ${bOutcome?.status ?? '?'}, not superseded.`,
    ],
  };
}

/** reject: with whenBusy reject, a busy session refuses the input outright. */
export async function rejectStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-reject';
  const session = await heldSession(runtime, log, id);
  const a = await send(runtime, id, 'A', 'translate this page');
  await session.running;
  const b = await send(runtime, id, 'B', 'are you there?', 'reject');
  session.release();
  const inputs = await settleAll([a, b]);
  return {
    name: 'reject',
    title: 'reject: a busy session refuses the input; nothing is stored',
    inputs,
    events: storyOf(log.of(id)),
    why: [
      inputs[1]?.refused !== null && inputs[1]?.refused !== undefined
        ? `acceptInput threw ${inputs[1].refused.code}: B left no trace in the ledger, only an input.rejected event.`
        : 'B was not refused.',
    ],
  };
}
