// The owner's side of a forwarded request (issue 11, item 3): runs it through the same runtime
// operation a local caller uses (same admission, same idempotency, the one write path) and turns
// the result into JSON for the answer.

import { assertNever } from '../../core/assert-never.js';
import type { JsonValue } from '../../core/json.js';
import type { Runtime } from '../runtime-api.js';
import type { IngressRequest } from './ingress-request.js';

/** A result as JSON (`undefined`, a void operation's result, is `null`). */
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** Runs `request` on session `id` of the local runtime `rt`; resolves to its result as JSON. */
export async function runRequest(
  rt: Runtime,
  id: string,
  request: IngressRequest,
): Promise<JsonValue> {
  switch (request.op) {
    case 'acceptInput': {
      const options = request.options as Parameters<Runtime['acceptInput']>[2];
      const { status, inputId, decision } = request.withoutWake
        ? await rt.acceptInputWithoutWake(id, request.input, options)
        : await rt.acceptInput(id, request.input, options);
      return toJson({ status, inputId, decision });
    }
    case 'decideApproval': {
      const result = await rt.decideApproval(id, request.approvalId, request.decision);
      return toJson({ status: result.status, inputId: result.inputId, decision: result.decision });
    }
    case 'interrupt':
      return toJson(await rt.interrupt(id, request.reason));
    case 'cancelAfterBoundary':
      return toJson(await rt.cancelAfterBoundary(id, request.reason));
    case 'stop':
      return toJson(await rt.stop(id, request.reason));
    case 'abandonRetiredPendingInputs':
      return toJson(await rt.abandonRetiredPendingInputs(id, request.reason));
    case 'retire':
      return toJson(await rt.retire(id));
    case 'recycle':
      return toJson(await rt.recycle(id));
    case 'reset':
      return toJson(await rt.reset(id));
    case 'destroy':
      return toJson(await rt.destroy(id));
    case 'unregisterSession':
      return toJson(await rt.unregisterSession(id));
    case 'unregisterSessionIfEpoch':
      return toJson(await rt.unregisterSessionIfEpoch(id, request.epochId));
    case 'registerSession':
      return toJson(await rt.registerSession(id));
    case 'snapshot':
      return toJson(await rt.snapshot(id));
    case 'listApprovals':
      return toJson(await rt.listApprovals(id));
    case 'sessionHasExecutor':
      return toJson(await rt.sessionHasExecutor(id));
    case 'sessionHasComms':
      return toJson(await rt.sessionHasComms(id));
    case 'wakeRuntimeIfActiveInputs':
      return toJson(await rt.wakeRuntimeIfActiveInputs(id));
    case 'beginServiceTurn':
      return toJson(await rt.beginServiceTurn(id));
    case 'commitServiceTurnTerminalReceipt':
      return toJson(await rt.commitServiceTurnTerminalReceipt(id));
    case 'getInput':
      return toJson(await rt.getInput(id, request.inputId));
    case 'getTranscript':
      return toJson(await rt.getTranscript(id, request.range));
    case 'listInputs':
      return toJson(await rt.listInputs(id, request.range));
    case 'setSessionSilentIntents':
      return toJson(await rt.setSessionSilentIntents(id, request.intents));
    case 'replaceToolCatalog':
      return toJson(await rt.replaceToolCatalog(id, request.tools));
    case 'stagePersistentFilter':
      return toJson(await rt.stagePersistentFilter(id, request.filter));
    case 'requestDeferredTools':
      return toJson(await rt.requestDeferredTools(id, request.names));
    case 'publishCommittedVisibleSet':
      return toJson(await rt.publishCommittedVisibleSet(id, request.sides));
    case 'reconfigureSessionLlm':
      return toJson(await rt.reconfigureSessionLlm(id, request.change));
    default:
      return assertNever(request);
  }
}
