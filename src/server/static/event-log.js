// Events as sentences: one readable line per event (its time, a colour by family, what happened), with
// the raw envelope one click away.

import { clock, el, preview, shortId } from './format.js';

/** What `event` says, in words; `labelOf` names inputs by what they say. */
export function describeEvent(event, labelOf) {
  const d = event.data;
  const run = (id) => `turn ${shortId(id)}`;
  switch (event.type) {
    case 'session.registered':
      return d.recovered ? 'session recovered from the store' : 'session registered';
    case 'session.unregistered':
      return 'session unregistered';
    case 'session.phase_changed':
      return `phase ${d.from} → ${d.to}`;
    case 'session.executor_attached':
      return 'executor attached';
    case 'session.executor_detached':
      return `executor detached: ${d.reason}`;
    case 'runtime.notice':
      return `notice (${d.kind}): ${d.message}`;
    case 'input.accepted':
      return `${labelOf(d.inputId)} accepted: ${d.kind}, ${d.decision.whenBusy} → lane ${d.decision.lane}`;
    case 'input.deduplicated':
      return `${labelOf(d.inputId)} deduplicated (same as ${labelOf(d.existingId)})`;
    case 'input.rejected':
      return `input refused: ${d.code} — ${d.message}`;
    case 'input.queued':
      return `${labelOf(d.inputId)} queued${d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}`;
    case 'input.staged':
      return `${labelOf(d.inputId)} staged for ${run(d.runId)}`;
    case 'input.applied':
      return `${labelOf(d.inputId)} handed to ${run(d.runId)}`;
    case 'input.consumed':
      return `${labelOf(d.inputId)} done`;
    case 'input.superseded':
      return `${labelOf(d.inputId)} replaced by ${labelOf(d.by)}`;
    case 'input.coalesced':
      return `${labelOf(d.inputId)} merged into ${labelOf(d.into)}`;
    case 'input.abandoned':
      return `${labelOf(d.inputId)} abandoned: ${d.reason}`;
    case 'run.started':
      return `${run(d.runId)} started with ${d.inputIds.map(labelOf).join(', ') || 'no input'}`;
    case 'run.boundary':
      return d.injected.length > 0
        ? `${run(d.runId)} boundary ${d.n}: ${d.injected.map(labelOf).join(', ')} steered in`
        : `${run(d.runId)} boundary ${d.n}`;
    case 'run.progress':
      return `${run(d.runId)}: ${preview(d.progress, 120)}`;
    case 'run.completed':
      return `${run(d.runId)} completed`;
    case 'run.failed':
      return `${run(d.runId)} failed (${d.cause}): ${d.message}`;
    case 'run.cancelled':
      return `${run(d.runId)} cancelled: ${d.reason}`;
    case 'op.started':
      return `operation ${shortId(d.operationId)} (${d.kind}) started`;
    case 'op.updated':
      return `operation ${shortId(d.operationId)}: ${d.status}`;
    case 'op.finished':
      return `operation ${shortId(d.operationId)} finished: ${d.status}`;
    case 'visibility.changed':
      return `tool visibility now at revision ${d.revision}`;
    default:
      return `${event.type} ${preview(d)}`;
  }
}

/** One line of the log. */
export function eventNode(event, labelOf) {
  const li = el('li');
  li.dataset.type = event.type;
  const details = el('details');
  const summary = el('summary');
  summary.append(
    el('span', 'when', `#${event.seq} ${clock(event.at)}`),
    el('span', `type cat-${event.type.split('.')[0]}`),
    el('span', 'text', describeEvent(event, labelOf)),
  );
  summary.title = event.type;
  details.append(summary, el('pre', '', JSON.stringify(event, null, 2)));
  li.append(details);
  return li;
}
