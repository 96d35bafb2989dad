// Ingress from any host (issue 11, item 3) as the public Runtime sees it: each session operation of
// the local runtime, wrapped so that a session another live host owns is reached through the
// mailbox instead of refused `fenced`. The answer comes back as the operation's own result or error.

import type { AdmissionDecision } from '../../core/admission/admission.js';
import type { PendingApproval } from '../../core/approvals.js';
import type { InputSubmission } from '../../core/input-kinds.js';
import { ParsedSubmission } from '../../core/input-submission.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import type { JsonValue } from '../../core/json.js';
import type { Runtime } from '../runtime-api.js';
import type { AcceptResult } from '../operation-types.js';
import type { RuntimeContext } from '../runtime-context.js';
import { forwardedCompletion } from './forwarded-completion.js';
import { routed } from './ingress-forward.js';
import { as, none, routedReadsAndSettings } from './ingress-reads.js';

/** `local` with every forwardable session operation routed to the session's owner when it is elsewhere. */
export function withIngress(ctx: RuntimeContext, local: Runtime): Runtime {
  const accepted =
    (id: string) =>
    (value: JsonValue): AcceptResult => {
      const answer = as<{
        status: AcceptResult['status'];
        inputId: string;
        decision: AdmissionDecision;
      }>(value);
      const readFromOwner = (): Promise<InputRecord | null> =>
        routedRuntime.getInput(id, answer.inputId);
      return { ...answer, completion: forwardedCompletion(ctx, id, answer.inputId, readFromOwner) };
    };
  const acceptOptions = (o: Parameters<Runtime['acceptInput']>[2]) => ({
    ...(o?.whenBusy === undefined ? {} : { whenBusy: o.whenBusy }),
    ...(o?.idempotencyKey === undefined ? {} : { idempotencyKey: o.idempotencyKey }),
    ...(o?.supersedeKey === undefined ? {} : { supersedeKey: o.supersedeKey }),
  });
  // A submission an edge parsed travels as the submission itself; the owner parses it once.
  const wire = (input: InputSubmission | ParsedSubmission): InputSubmission =>
    input instanceof ParsedSubmission ? input.submission : input;
  const routedRuntime: Runtime = {
    ...local,
    acceptInput: (id, input, o) =>
      routed(
        ctx,
        id,
        { op: 'acceptInput', input: wire(input), options: acceptOptions(o), withoutWake: false },
        () => local.acceptInput(id, input, o),
        accepted(id),
      ),
    acceptInputWithoutWake: (id, input, o) =>
      routed(
        ctx,
        id,
        { op: 'acceptInput', input: wire(input), options: acceptOptions(o), withoutWake: true },
        () => local.acceptInputWithoutWake(id, input, o),
        accepted(id),
      ),
    decideApproval: (id, approvalId, decision, o) =>
      routed(
        ctx,
        id,
        { op: 'decideApproval', approvalId, decision },
        () => local.decideApproval(id, approvalId, decision, o),
        accepted(id),
      ),
    listApprovals: (id, o) =>
      routed(
        ctx,
        id,
        { op: 'listApprovals' },
        () => local.listApprovals(id, o),
        as<readonly PendingApproval[]>,
      ),
    interrupt: (id, reason = 'interrupted', o) =>
      routed(ctx, id, { op: 'interrupt', reason }, () => local.interrupt(id, reason, o), none),
    cancelAfterBoundary: (id, reason = 'cancel after boundary', o) =>
      routed(
        ctx,
        id,
        { op: 'cancelAfterBoundary', reason },
        () => local.cancelAfterBoundary(id, reason, o),
        none,
      ),
    stop: (id, reason = 'stopped', o) =>
      routed(ctx, id, { op: 'stop', reason }, () => local.stop(id, reason, o), none),
    abandonRetiredPendingInputs: (id, reason = 'retired', o) =>
      routed(
        ctx,
        id,
        { op: 'abandonRetiredPendingInputs', reason },
        () => local.abandonRetiredPendingInputs(id, reason, o),
        as<number>,
      ),
    retire: (id, o) => routed(ctx, id, { op: 'retire' }, () => local.retire(id, o), none),
    recycle: (id, o) => routed(ctx, id, { op: 'recycle' }, () => local.recycle(id, o), none),
    reset: (id, o) => routed(ctx, id, { op: 'reset' }, () => local.reset(id, o), none),
    destroy: (id, o) => routed(ctx, id, { op: 'destroy' }, () => local.destroy(id, o), none),
    unregisterSession: (id, o) =>
      routed(ctx, id, { op: 'unregisterSession' }, () => local.unregisterSession(id, o), none),
    unregisterSessionIfEpoch: (id, epochId, o) =>
      routed(
        ctx,
        id,
        { op: 'unregisterSessionIfEpoch', epochId },
        () => local.unregisterSessionIfEpoch(id, epochId, o),
        as<boolean>,
      ),
    registerSession: (id, o) =>
      routed(ctx, id, { op: 'registerSession' }, () => local.registerSession(id, o), as<boolean>),
    ...routedReadsAndSettings(ctx, local),
  };
  return routedRuntime;
}
