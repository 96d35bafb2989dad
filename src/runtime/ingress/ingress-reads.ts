// Ingress from any host (issue 11): the reads and the settings operations of a session, routed to the
// session's owner when it is elsewhere (the inputs and control operations are in ingress-runtime.ts).

import type { InputRecord } from '../../core/ledger/input-record.js';
import type { JsonValue } from '../../core/json.js';
import type { VisibilitySide } from '../../core/tool-visibility.js';
import type { Runtime } from '../runtime-api.js';
import type { InputPage, SessionSnapshot, TranscriptMessage } from '../runtime-views.js';
import type { RuntimeContext } from '../runtime-context.js';
import { routed } from './ingress-forward.js';

// The owner's answers are JSON this build wrote from the same types (ingress-dispatch.ts).
export const as = <T>(value: JsonValue): T => value as T;
export const none = (): void => undefined;

/** The reads and settings operations of `local`, each routed to the session's owner when it is elsewhere. */
export function routedReadsAndSettings(
  ctx: RuntimeContext,
  local: Runtime,
): Pick<
  Runtime,
  | 'snapshot'
  | 'sessionHasExecutor'
  | 'sessionHasComms'
  | 'wakeRuntimeIfActiveInputs'
  | 'beginServiceTurn'
  | 'commitServiceTurnTerminalReceipt'
  | 'getInput'
  | 'getTranscript'
  | 'listInputs'
  | 'setSessionSilentIntents'
  | 'replaceToolCatalog'
  | 'stagePersistentFilter'
  | 'requestDeferredTools'
  | 'publishCommittedVisibleSet'
  | 'reconfigureSessionLlm'
> {
  return {
    snapshot: (id) =>
      routed(ctx, id, { op: 'snapshot' }, () => local.snapshot(id), as<SessionSnapshot>),
    sessionHasExecutor: (id) =>
      routed(
        ctx,
        id,
        { op: 'sessionHasExecutor' },
        () => local.sessionHasExecutor(id),
        as<boolean>,
      ),
    sessionHasComms: (id) =>
      routed(ctx, id, { op: 'sessionHasComms' }, () => local.sessionHasComms(id), as<boolean>),
    wakeRuntimeIfActiveInputs: (id) =>
      routed(
        ctx,
        id,
        { op: 'wakeRuntimeIfActiveInputs' },
        () => local.wakeRuntimeIfActiveInputs(id),
        as<boolean>,
      ),
    beginServiceTurn: (id, o) =>
      routed(
        ctx,
        id,
        { op: 'beginServiceTurn' },
        () => local.beginServiceTurn(id, o),
        as<{ runId: string }>,
      ),
    commitServiceTurnTerminalReceipt: (id, o) =>
      routed(
        ctx,
        id,
        { op: 'commitServiceTurnTerminalReceipt' },
        () => local.commitServiceTurnTerminalReceipt(id, o),
        none,
      ),
    getInput: (id, inputId) =>
      routed(
        ctx,
        id,
        { op: 'getInput', inputId },
        () => local.getInput(id, inputId),
        as<InputRecord | null>,
      ),
    getTranscript: (id, range = {}) =>
      routed(
        ctx,
        id,
        { op: 'getTranscript', range },
        () => local.getTranscript(id, range),
        as<TranscriptMessage[]>,
      ),
    listInputs: (id, range = {}) =>
      routed(
        ctx,
        id,
        { op: 'listInputs', range },
        () => local.listInputs(id, range),
        as<InputPage>,
      ),
    setSessionSilentIntents: (id, intents, o) =>
      routed(
        ctx,
        id,
        { op: 'setSessionSilentIntents', intents: [...intents] },
        () => local.setSessionSilentIntents(id, intents, o),
        none,
      ),
    replaceToolCatalog: (id, tools, o) =>
      routed(
        ctx,
        id,
        { op: 'replaceToolCatalog', tools: [...tools] },
        () => local.replaceToolCatalog(id, tools, o),
        none,
      ),
    stagePersistentFilter: (id, filter, o) =>
      routed(
        ctx,
        id,
        { op: 'stagePersistentFilter', filter },
        () => local.stagePersistentFilter(id, filter, o),
        as<number>,
      ),
    requestDeferredTools: (id, names, o) =>
      routed(
        ctx,
        id,
        { op: 'requestDeferredTools', names: [...names] },
        () => local.requestDeferredTools(id, names, o),
        as<number>,
      ),
    publishCommittedVisibleSet: (id, sides, o) =>
      routed(
        ctx,
        id,
        { op: 'publishCommittedVisibleSet', sides },
        () => local.publishCommittedVisibleSet(id, sides, o),
        as<{ active: VisibilitySide; staged: VisibilitySide }>,
      ),
    reconfigureSessionLlm: (id, change, o) =>
      routed(
        ctx,
        id,
        { op: 'reconfigureSessionLlm', change },
        () => local.reconfigureSessionLlm(id, change, o),
        as<JsonValue | void>,
      ),
  };
}
