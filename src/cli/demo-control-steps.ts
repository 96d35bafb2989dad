// The demo's control steps: cancel-after-boundary, and an unregister that races a turn which commits
// during the drain window.

import { scriptedExecutor } from '../executors/scripted-executor.js';
import type { Executor } from '../runtime/executor.js';
import type { Runtime } from '../runtime/runtime-api.js';
import type { EventLog } from './demo-kit.js';
import { createGate, send, shortId } from './demo-kit.js';
import type { DemoStep } from './demo-step.js';
import { storyOf } from './demo-step.js';

/** cancel-after-boundary: the turn finishes its current step, then stops cleanly at the boundary. */
export async function cancelAfterBoundaryStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-cancel-after-boundary';
  const gate = createGate();
  await runtime.registerSessionWithExecutor(
    id,
    scriptedExecutor([
      { steps: 3, gate: (step) => (step === 0 ? gate.promise : Promise.resolve()) },
    ]),
  );
  const running = log.waitFor(id, 'run.started');
  const a = await send(runtime, id, 'A', 'research three suppliers, one per step');
  await running;
  await runtime.cancelAfterBoundary(id, 'the user pressed stop');
  gate.open();
  await a.settled();
  const transcript = await runtime.getTranscript(id);
  const boundaries = log.of(id).filter((e) => e.type === 'run.boundary').length;
  return {
    name: 'cancel-after-boundary',
    title:
      'cancel-after-boundary: the turn ends cleanly at its next boundary instead of being aborted',
    inputs: [a.input],
    events: storyOf(log.of(id)),
    why: [
      `Step 1 of 3 was allowed to finish; at boundary ${boundaries} the executor was told to stop, and ` +
        `returned what it had: the transcript holds ${transcript.length} committed message${transcript.length === 1 ? '' : 's'}, the last ` +
        `${JSON.stringify(transcript.at(-1)?.message ?? null)}. A ended ${a.input.outcome?.status ?? '?'}.`,
    ],
  };
}

/**
 * An executor whose turn already has its answer when the cancel lands: it returns the completed
 * result as its signal aborts, so the runtime commits it during the unregister's drain window.
 */
function committingExecutor(onStarted: () => void): Executor {
  return {
    apply: (run, ctx) =>
      new Promise((resolve) => {
        onStarted();
        const texts = run.inputs.map((input) => {
          const content = input.payload['content'];
          return typeof content === 'string' ? content : JSON.stringify(content);
        });
        ctx.signal.addEventListener(
          'abort',
          () =>
            resolve({
              status: 'completed',
              output: texts,
              append: [
                { role: 'user', content: texts.join('\n') },
                { role: 'assistant', content: `done: ${texts.join(' | ')}` },
              ],
            }),
          { once: true },
        );
      }),
  };
}

/** unregister-race: the waiter of a turn that commits while the session is being unregistered gets the result. */
export async function unregisterRaceStep(runtime: Runtime, log: EventLog): Promise<DemoStep> {
  const id = 'demo-unregister';
  const started = createGate();
  await runtime.registerSessionWithExecutor(id, committingExecutor(started.open));
  const a = await send(runtime, id, 'A', 'file the expense report');
  await started.promise;
  const b = await send(runtime, id, 'B', 'and email the receipt', 'queue');
  await runtime.unregisterSession(id);
  await a.settled();
  await b.settled();
  const registered = await runtime.containsSession(id);
  return {
    name: 'unregister-race',
    title:
      'unregister racing a committing turn: no waiter is stranded, no committed result is lost',
    inputs: [a.input, b.input],
    events: storyOf(log.of(id)),
    why: [
      'unregisterSession opened the drain window, released the session gate so the in-flight turn could ' +
        `still commit, and hard-cancelled it; the turn returned its answer as the cancel landed. A's waiter ` +
        `got "${a.input.outcome?.status ?? '?'}" — the committed result, not runtime_terminated.`,
      `B never started: it ended ${b.input.outcome?.status ?? '?'}${
        b.input.outcome?.status === 'abandoned' ? ` (${b.input.outcome.reason})` : ''
      }. The session is ${registered ? 'still' : 'no longer'} registered; input ${shortId(a.input.inputId)} is settled for good.`,
    ],
  };
}
