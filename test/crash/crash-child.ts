// The crash child: a runtime on a SQLite file, driven by the parent over stdin, reporting on fd 3,
// with hook points where it freezes so the parent can SIGKILL it at an exact point.
//
// Usage: node --import tsx crash-child.ts <database> <side file> <seed>

import { createInterface } from 'node:readline';
import { toError } from '../../src/core/errors.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { sessionIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { freeze, openSideFile, send } from './crash-child-io.js';
import { crashExecutors } from './crash-executor.js';
import type { CrashCommand, PauseHook, PauseMatch } from './crash-protocol.js';
import { seededRandom } from './seeded-random.js';

const [databasePath, sidePath, seedText] = process.argv.slice(2);
if (databasePath === undefined || sidePath === undefined)
  throw new Error('usage: crash-child <database> <side file> [seed]');

process.on('uncaughtException', (error) => {
  send({ type: 'error', message: `uncaught: ${error.stack ?? error.message}` });
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  send({ type: 'error', message: `unhandled rejection: ${toError(reason).stack ?? ''}` });
  process.exit(1);
});

let pause: { hook: PauseHook; match: PauseMatch; skip: number } | null = null;

/** Freezes the process if `facts` is the pause point the parent asked for. */
function maybeFreeze(
  hook: PauseHook,
  facts: {
    sessionId: string;
    runId: string | null;
    receipt: string | null;
    events: readonly string[];
  },
  detail: string,
): void {
  if (pause === null || pause.hook !== hook) return;
  const { match } = pause;
  if (match.sessionId !== undefined && match.sessionId !== facts.sessionId) return;
  if (match.receipt !== undefined && facts.receipt === null) return;
  if (match.receipt !== undefined && match.receipt !== 'any' && match.receipt !== facts.receipt)
    return;
  if (match.eventType !== undefined && !facts.events.includes(match.eventType)) return;
  if (pause.skip > 0) {
    pause.skip -= 1;
    return;
  }
  send({ type: 'paused', hook, runId: facts.runId, detail });
  freeze();
}

const inner = await openSqliteStore(databasePath);
// The store hook: after `commit` resolved the batch is durable (synchronous=FULL), but the runtime
// has not yet installed it in memory, published its events or settled any completion.
const store: RuntimeStore = new Proxy(inner, {
  get(target, property, receiver) {
    if (property !== 'commit') return Reflect.get(target, property, receiver) as unknown;
    const commit: RuntimeStore['commit'] = async (runtimeId, batch, fence) => {
      await target.commit(runtimeId, batch, fence);
      const events = (batch.events ?? []).map((event) => event.type);
      const receipt = batch.receipt ?? null;
      send({ type: 'commit_landed', runtimeId, receiptRunId: receipt?.runId ?? null, events });
      maybeFreeze(
        'store',
        {
          sessionId: sessionIdOf(runtimeId),
          runId: receipt?.runId ?? null,
          receipt: receipt?.outcome ?? null,
          events,
        },
        `commit of ${runtimeId} (receipt ${receipt?.runId ?? 'none'}, events ${events.join(',')})`,
      );
    };
    return commit;
  },
});

const side = openSideFile(sidePath);
const executors = crashExecutors(side, seededRandom(Number(seedText ?? 1)), process.pid);
const runtime = await createRuntime({
  store,
  executorFactory: executors.executorFor,
  retryBackoffMs: { base: 1, max: 20 },
  drainGraceMs: 5_000,
  logger: {
    warn: (message, fields) =>
      send({ type: 'log', level: 'warn', message, fields: JSON.stringify(fields ?? {}) }),
    error: (message, fields) =>
      send({ type: 'log', level: 'error', message, fields: JSON.stringify(fields ?? {}) }),
  },
});

let changed: (() => void) | null = null;
const REPORTED = new Set(['run.completed', 'run.cancelled', 'run.failed', 'session.unregistered']);
// The event hook: listeners run inside the commit path, after the batch landed and was installed
// and before `settleTerminal` settles the completions of its inputs.
runtime.onEvent((event: RuntimeEvent) => {
  const wake = changed;
  changed = null;
  wake?.();
  if (!REPORTED.has(event.type)) return;
  const data = event.data as { runId?: unknown };
  const runId = typeof data.runId === 'string' ? data.runId : null;
  send({ type: 'event', sessionId: event.sessionId, eventType: event.type, runId });
  maybeFreeze(
    'event',
    { sessionId: event.sessionId, runId, receipt: null, events: [event.type] },
    `${event.type} of ${event.sessionId} (run ${runId ?? 'none'})`,
  );
});

/** Resolves when no session has a live input; re-checks after every published event. */
async function drained(): Promise<string[]> {
  for (;;) {
    const changedOnce = new Promise<void>((resolve) => (changed = resolve));
    const report = runtime.diagnostics();
    if (report.sessions.every((session) => session.liveInputs === 0)) {
      return report.sessions.flatMap((s) => [
        ...s.machineViolations.map((v) => `${s.sessionId} machine: ${v}`),
        ...s.ledgerViolations.map((v) => `${s.sessionId} ledger: ${v}`),
      ]);
    }
    await changedOnce;
  }
}

async function handle(command: CrashCommand): Promise<void> {
  switch (command.cmd) {
    case 'register':
      for (const sessionId of command.sessionIds)
        await runtime.registerSessionWithExecutor(sessionId, executors.executorFor(sessionId));
      send({ type: 'registered', req: command.req });
      return;
    case 'accept': {
      const { req, sessionId } = command;
      try {
        const result = await runtime.acceptInput(sessionId, {
          kind: 'prompt',
          content: command.content,
        });
        send({ type: 'accepted', req, sessionId, inputId: result.inputId });
        void result.completion.then((outcome) =>
          send({ type: 'outcome', inputId: result.inputId, status: outcome.status }),
        );
      } catch (error: unknown) {
        send({ type: 'accept_failed', req, error: toError(error).message });
      }
      return;
    }
    case 'unregister': {
      send({ type: 'unregister_started', req: command.req });
      const error = await runtime.unregisterSession(command.sessionId).then(
        () => null,
        (e: unknown) => toError(e).message,
      );
      send({ type: 'unregistered', req: command.req, error });
      return;
    }
    case 'recover': {
      const report = await runtime.recover({ concurrency: 4 });
      send({ type: 'recovered', req: command.req, ...report });
      return;
    }
    case 'drain': {
      const violations = await drained();
      send({
        type: 'drained',
        req: command.req,
        sessions: runtime.diagnostics().sessions.length,
        violations,
      });
      return;
    }
    case 'close':
      await runtime.close();
      side.close();
      send({ type: 'closed', req: command.req });
      return process.exit(0);
    case 'mode':
      executors.setHold(command.hold);
      return;
    case 'release':
      executors.release(command.runId);
      return;
    case 'pause_at':
      pause = { hook: command.hook, match: command.match, skip: command.skip };
      return;
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  // Each command starts here, in the order the parent sent it; the synchronous ones (mode, release,
  // pause_at) take effect before any later command is read.
  handle(JSON.parse(line) as CrashCommand).catch((error: unknown) => {
    send({ type: 'error', message: `${line}: ${toError(error).stack ?? ''}` });
    process.exit(1);
  });
});
// The parent went away without killing us: nothing to do but leave.
lines.on('close', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
