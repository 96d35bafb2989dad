// createRuntime: wires the operation modules into the public Runtime (lifecycle in runtime-lifecycle.ts).

import { BurrowError, isBurrowError, toError } from '../core/errors.js';
import type { InputSubmission } from '../core/input-kinds.js';
import type { ParsedSubmission } from '../core/input-submission.js';
import type { CommsDrainMode } from '../core/machine/state.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { enableComms, sendPeer } from './comms.js';
import { diagnostics } from './diagnostics.js';
import { sessionEvents } from './events/stream.js';
import { sessionOps } from './background/session-registry.js';
import { pruneLoop, pruneOnce } from './retention.js';
import type { Executor } from './executor.js';
import { acceptInput } from './operations/accept.js';
import { decideApproval, listApprovals } from './approvals/decisions.js';
import type { ApprovalDecisionSubmission } from '../core/approvals.js';
import * as query from './operations/query.js';
import { listSessions, querySessions } from './operations/session-list.js';
import {
  ensureSessionWithExecutor,
  installPreparedSessionInterruptHandle,
  registerSession,
} from './operations/register.js';
import { sweepLoop } from './session/sweeper.js';
import { discardTerminalStorelessSession } from './operations/unregister.js';
import { heartbeat } from './ownership/lease-guard.js';
import { storeEventTail } from './events/store-tail.js';
import { activeEntry } from './session/access.js';
import { withIngressHost } from './ingress/ingress-host.js';
import { ownsThroughStore } from './ownership/leases.js';
import type { AcceptOptions, InterruptHandle, OperationOptions } from './operation-types.js';
import type { Runtime } from './runtime-api.js';
import { readiness, recover, shutdown } from './runtime-lifecycle.js';
import { settingsOperations } from './settings-wiring.js';
import { controlOperations } from './control-wiring.js';
import type { RuntimeContext, RuntimeOptions } from './runtime-context.js';
import { createContext } from './create-context.js';
import { checkedId, invalidSessionId, refusedStream } from './session/id-check.js';

/**
 * Creates a runtime. Without a store it is storeless (memory only). The runtime owns the store from
 * then on: `close()` closes it.
 *
 * @example
 * const runtime = await createRuntime({ store: memoryStore() });
 * await runtime.registerSessionWithExecutor('s1', echoExecutor());
 * const { completion } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'hello' });
 * console.log(await completion); // { status: 'completed', runId, result }
 * await runtime.close();
 */
export function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const clock: Clock = options.clock ?? systemClock;
  return Promise.resolve(buildRuntime(createContext(options, clock)));
}

/**
 * The session's events, activating it first when only the store knows it; from the store, without a
 * claim, when another live host owns it.
 */
async function* activatedEvents(
  ctx: RuntimeContext,
  sessionId: string,
  options: { readonly since?: number; readonly signal?: AbortSignal } = {},
): AsyncGenerator<RuntimeEvent, void, undefined> {
  try {
    await activeEntry(ctx, sessionId, options.signal);
  } catch (error: unknown) {
    // Another live host owns it: serve its events from the store without claiming it here.
    if (!isBurrowError(error, 'fenced') || ctx.store === null) throw error;
    yield* storeEventTail(ctx, ctx.store, sessionId, options);
    return;
  }
  yield* sessionEvents(ctx, sessionId, options);
}

function buildRuntime(ctx: RuntimeContext): Runtime {
  let closing: Promise<void> | null = null;
  // Leases are renewed in the background while the runtime lives; close() stops the heartbeat.
  const beat = new AbortController();
  const beating = ownsThroughStore(ctx) ? heartbeat(ctx, beat.signal) : Promise.resolve();
  const pruning =
    ctx.options.pruneIntervalMs > 0
      ? pruneLoop(ctx, ctx.options.retention, ctx.options.pruneIntervalMs, beat.signal)
      : Promise.resolve();
  // The sweeper resumes sessions whose owner is gone; it needs leases to judge and a factory to resume.
  const sweeper = new AbortController();
  const sweeping =
    ctx.options.sweepIntervalMs > 0 && ownsThroughStore(ctx) && ctx.executorFactory !== null
      ? sweepLoop(ctx, sweeper.signal)
      : Promise.resolve();
  const opts = (o?: OperationOptions): OperationOptions => o ?? {};
  const local: Runtime = {
    registerSession: checkedId((id, o) => registerSession(ctx, id, opts(o))),
    registerSessionWithExecutor: checkedId((id, executor: Executor, o) =>
      ensureSessionWithExecutor(ctx, id, executor, opts(o)),
    ),
    ensureSessionWithExecutor: checkedId((id, executor: Executor, o) =>
      ensureSessionWithExecutor(ctx, id, executor, opts(o)),
    ),
    installPreparedSessionInterruptHandle: checkedId((id, handle: InterruptHandle) =>
      installPreparedSessionInterruptHandle(ctx, id, handle),
    ),
    acceptInput: checkedId((id, input: InputSubmission | ParsedSubmission, o?: AcceptOptions) =>
      acceptInput(ctx, id, input, o ?? {}, false),
    ),
    acceptInputWithoutWake: checkedId(
      (id, input: InputSubmission | ParsedSubmission, o?: AcceptOptions) =>
        acceptInput(ctx, id, input, o ?? {}, true),
    ),
    decideApproval: checkedId(
      (id, approvalId: string, decision: ApprovalDecisionSubmission, o?: OperationOptions) =>
        decideApproval(ctx, id, approvalId, decision, opts(o)),
    ),
    listApprovals: checkedId((id, o?: OperationOptions) => listApprovals(ctx, id, opts(o))),
    ...controlOperations(ctx),
    sessionHasExecutor: checkedId((id) => query.sessionHasExecutor(ctx, id)),
    sessionHasComms: checkedId((id) => query.sessionHasComms(ctx, id)),
    wakeRuntimeIfActiveInputs: checkedId((id) => query.wakeRuntimeIfActiveInputs(ctx, id)),
    ...settingsOperations(ctx),
    discardTerminalStorelessSession: checkedId((id) => discardTerminalStorelessSession(ctx, id)),
    enableComms: checkedId((id, mode: CommsDrainMode = 'attached_session') =>
      enableComms(ctx, id, mode),
    ),
    sendPeer: checkedId((to, input: InputSubmission) => sendPeer(ctx, to, input)),
    operations: (id) => {
      const invalid = invalidSessionId(id);
      if (invalid !== null) throw invalid;
      return sessionOps(ctx, id);
    },
    snapshot: checkedId((id) => query.snapshot(ctx, id)),
    getInput: checkedId((id, inputId: string) => query.getInput(ctx, id, inputId)),
    getTranscript: checkedId((id, range?: { readonly offset?: number; readonly limit?: number }) =>
      query.getTranscript(ctx, id, range),
    ),
    listSessions: (range) => listSessions(ctx, range),
    querySessions: (q) => querySessions(ctx, q),
    listInputs: checkedId((id, range?: { readonly offset?: number; readonly limit?: number }) =>
      query.listInputs(ctx, id, range),
    ),
    events: (id, o) => {
      const invalid = invalidSessionId(id);
      return invalid === null ? activatedEvents(ctx, id, o) : refusedStream(invalid);
    },
    onEvent: (listener: (event: RuntimeEvent) => void) => {
      ctx.globalListeners.add(listener);
      return () => ctx.globalListeners.delete(listener);
    },
    recover: (o) => recover(ctx, o ?? {}),
    readiness: () => readiness(ctx),
    diagnostics: () => diagnostics(ctx),
    prune: () => pruneOnce(ctx, ctx.options.retention),
    close: (o) => {
      closing ??= shutdown(
        ctx,
        opts(o),
        async () => {
          sweeper.abort(new Error('runtime closed'));
          await sweeping;
        },
        async () => {
          beat.abort(new Error('runtime closed'));
          await Promise.all([beating, pruning]);
        },
      ).catch((error: unknown) => {
        throw new BurrowError(
          'internal',
          `shutdown failed: ${toError(error).message}`,
          {},
          { cause: error },
        );
      });
      return closing;
    },
  };
  // Ingress from any host (issue 11): operations on sessions another live host owns are forwarded.
  return withIngressHost(ctx, local);
}
