// createRuntime: wires the operation modules into the public Runtime, and owns recovery and shutdown.

import { BurrowError, isBurrowError, toError } from '../core/errors.js';
import type { InputSubmission } from '../core/input-kinds.js';
import type { ParsedSubmission } from '../core/input-submission.js';
import type { JsonValue } from '../core/json.js';
import type { CommsDrainMode } from '../core/machine-state.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import type { ToolEntry, ToolFilter, VisibilitySide } from '../core/tool-visibility.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { enableComms, sendPeer } from './comms.js';
import { diagnostics } from './diagnostics.js';
import { sessionEvents } from './event-stream.js';
import { sessionOps } from './session-ops.js';
import { pruneLoop, pruneOnce } from './retention.js';
import type { Executor } from './executor.js';
import { acceptInput } from './ops-accept.js';
import { decideApproval, listApprovals } from './approval-decisions.js';
import type { ApprovalDecisionSubmission } from '../core/approvals.js';
import * as control from './ops-control.js';
import * as query from './ops-query.js';
import {
  ensureSessionWithExecutor,
  installPreparedSessionInterruptHandle,
  registerSession,
} from './ops-register.js';
import { activeEntry } from './session-access.js';
import { recoverPass, sweepLoop } from './session-recovery.js';
import * as settings from './ops-settings.js';
import { discardTerminalStorelessSession, unregisterSession } from './ops-unregister.js';
import { removeEntry } from './session-remove.js';
import { heartbeat } from './lease-guard.js';
import { storeEventTail } from './store-event-tail.js';
import { withIngressHost } from './ingress/ingress-host.js';
import { ownsThroughStore, releaseSession } from './ownership.js';
import type {
  AcceptOptions,
  InterruptHandle,
  LlmReconfigureHost,
  OperationOptions,
  Readiness,
  RecoverOptions,
  RecoverReport,
  Runtime,
} from './runtime-api.js';
import type { RuntimeContext, RuntimeOptions } from './runtime-context.js';
import { createContext } from './create-context.js';
import { checkedId, invalidSessionId, refusedStream } from './session-id-check.js';
import { onAbort } from '../core/abort.js';

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

/** Startup recovery: one recovery pass over every session with work; the runtime is not ready meanwhile. */
async function recover(ctx: RuntimeContext, options: RecoverOptions): Promise<RecoverReport> {
  ctx.recovery.running += 1;
  try {
    const pass = await recoverPass(ctx, {
      concurrency: options.concurrency ?? 16,
      includeActive: true,
      respectBackoff: false,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return { recovered: pass.recovered, failed: pass.failed, heldElsewhere: pass.heldElsewhere };
  } finally {
    ctx.recovery.running -= 1;
  }
}

/** Readiness: not while shutting down or recovering at startup, nor when the store does not answer. */
async function readiness(ctx: RuntimeContext): Promise<Readiness> {
  if (ctx.closing) return { ready: false, reason: 'the runtime is shutting down' };
  if (ctx.recovery.running > 0)
    return { ready: false, reason: 'startup recovery has not finished' };
  try {
    await ctx.store?.probe?.();
  } catch (error: unknown) {
    // Lost or read-only storage is an operator's emergency: say it in the log, not only in /readyz.
    ctx.log.error('the store failed its readiness probe', { error: toError(error).message });
    return { ready: false, reason: `the store does not answer: ${toError(error).message}` };
  }
  return { ready: true };
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

async function shutdown(
  ctx: RuntimeContext,
  options: OperationOptions,
  stopSweeper: () => Promise<void>,
  stopHeartbeat: () => Promise<void>,
): Promise<void> {
  ctx.closing = true;
  // Openings in flight (first touches, the sweeper) publish their entries before the list is taken.
  await stopSweeper();
  await Promise.all([...ctx.activations.values()]);
  const entries = [...ctx.sessions.values()];
  const loops = entries.flatMap((entry) => (entry.loop === null ? [] : [entry.loop]));
  for (const loop of loops) loop.requestExit('detach', 'runtime shutting down');
  for (const entry of entries) entry.comms?.abort('runtime shutting down');
  const escalate = (): void => {
    for (const loop of loops) loop.hardCancel('runtime shutting down (forced)', 'shutdown');
  };
  const stopListening = onAbort(options.signal, escalate);
  try {
    await Promise.all([
      ...loops.map((loop) => loop.done),
      ...entries.flatMap((e) => (e.comms === null ? [] : [e.comms.done])),
    ]);
  } finally {
    stopListening();
  }
  for (const entry of entries) {
    await ctx.gate.with(entry.sessionId, () => removeEntry(ctx, entry, 'process shutdown'));
    await releaseSession(ctx, entry.sessionId);
  }
  await stopHeartbeat();
  await ctx.store?.close();
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
    beginServiceTurn: checkedId((id, o) => settings.beginServiceTurn(ctx, id, opts(o))),
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
    interrupt: checkedId((id, reason = 'interrupted', o) =>
      control.interrupt(ctx, id, reason, opts(o)),
    ),
    cancelAfterBoundary: checkedId((id, reason = 'cancel after boundary', o) =>
      control.cancelAfterBoundary(ctx, id, reason, opts(o)),
    ),
    retire: checkedId((id, o) => control.retire(ctx, id, opts(o))),
    abandonRetiredPendingInputs: checkedId((id, reason = 'retired', o) =>
      control.abandonRetiredPendingInputs(ctx, id, reason, opts(o)),
    ),
    recycle: checkedId((id, o) => control.recycle(ctx, id, opts(o))),
    reset: checkedId((id, o) => control.reset(ctx, id, opts(o))),
    stop: checkedId((id, reason = 'stopped', o) => control.stop(ctx, id, reason, opts(o))),
    destroy: checkedId((id, o) => control.destroy(ctx, id, opts(o))),
    unregisterSession: checkedId(async (id, o) => {
      await unregisterSession(ctx, id, opts(o));
    }),
    unregisterSessionIfEpoch: checkedId((id, epochId: string, o) =>
      unregisterSession(ctx, id, { ...opts(o), epochId }),
    ),
    locateSession: checkedId((id) =>
      activeEntry(ctx, id).then(
        () => 'here' as const,
        (error: unknown) => {
          if (isBurrowError(error, 'session_not_found')) return 'unknown' as const;
          if (isBurrowError(error, 'fenced')) return 'elsewhere' as const;
          throw error;
        },
      ),
    ),
    containsSession: checkedId((id) =>
      activeEntry(ctx, id).then(
        () => true,
        (error: unknown) => {
          // Unknown, or owned by another live host: not registered in this runtime.
          if (isBurrowError(error, 'session_not_found') || isBurrowError(error, 'fenced'))
            return false;
          throw error;
        },
      ),
    ),
    sessionHasExecutor: checkedId((id) => query.sessionHasExecutor(ctx, id)),
    sessionHasComms: checkedId((id) => query.sessionHasComms(ctx, id)),
    wakeRuntimeIfActiveInputs: checkedId((id) => query.wakeRuntimeIfActiveInputs(ctx, id)),
    resolveTranscriptEditAdmission: checkedId((id, running: boolean, active: boolean) =>
      settings.resolveTranscriptEditAdmission(ctx, id, running, active),
    ),
    setSessionSilentIntents: checkedId((id, intents: readonly string[], o) =>
      settings.setSessionSilentIntents(ctx, id, intents, opts(o)),
    ),
    replaceToolCatalog: checkedId((id, tools: readonly ToolEntry[], o) =>
      settings.replaceToolCatalog(ctx, id, tools, opts(o)),
    ),
    stagePersistentFilter: checkedId((id, filter: ToolFilter, o) =>
      settings.stagePersistentFilter(ctx, id, filter, opts(o)),
    ),
    requestDeferredTools: checkedId((id, names: readonly string[], o) =>
      settings.requestDeferredTools(ctx, id, names, opts(o)),
    ),
    publishCommittedVisibleSet: checkedId(
      (id, sides: { active: VisibilitySide; staged: VisibilitySide }, o) =>
        settings.publishCommittedVisibleSet(ctx, id, sides, opts(o)),
    ),
    commitServiceTurnTerminalReceipt: checkedId((id, o) =>
      settings.commitServiceTurnTerminalReceipt(ctx, id, opts(o)),
    ),
    setSessionLlmReconfigureHost: (host: LlmReconfigureHost) => {
      ctx.llmHost = host;
    },
    reconfigureSessionLlm: checkedId((id, change: JsonValue, o) =>
      settings.reconfigureSessionLlm(ctx, id, change, opts(o)),
    ),
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
    listSessions: (range) => query.listSessions(ctx, range),
    querySessions: (q) => query.querySessions(ctx, q),
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
