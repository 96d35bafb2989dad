// The turns of a session, built from its events: when each run started and with which inputs, its
// boundaries (where steered inputs joined), and how it ended.

import { clock, duration, el, shortId } from './format.js';

const MAX_RUNS = 50;

/** Creates the timeline; feed it every event with `apply`, draw it with `render`. */
export function createTimeline() {
  const runs = new Map();
  const apply = (event) => {
    const { type, data, at } = event;
    if (!type.startsWith('run.') || type === 'run.progress') return false;
    let run = runs.get(data.runId);
    if (run === undefined) {
      if (type !== 'run.started') return false;
      runs.set(data.runId, (run = { runId: data.runId, boundaries: [], end: null }));
      if (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value);
    }
    switch (type) {
      case 'run.started':
        Object.assign(run, { at, inputIds: data.inputIds, attempt: data.attempt });
        break;
      case 'run.boundary':
        run.boundaries.push({ n: data.n, at, injected: data.injected });
        break;
      case 'run.completed':
        run.end = { status: 'completed', at, text: usage(data.usage) };
        break;
      case 'run.failed':
        run.end = {
          status: 'failed',
          at,
          text: `${data.cause}: ${data.message}${data.retryable ? ' (will retry)' : ''}`,
        };
        break;
      case 'run.cancelled':
        run.end = { status: 'cancelled', at, text: data.reason };
        break;
      default:
        return false;
    }
    return true;
  };
  const render = (list, labelOf) => {
    const items = [...runs.values()].reverse().map((run) => {
      const li = el('li', `run ${run.end?.status ?? 'running'}`);
      li.dataset.runId = run.runId;
      const head = el('div');
      head.append(
        el('span', 'when', clock(run.at)),
        el('strong', '', `turn ${shortId(run.runId)}`),
      );
      if (run.attempt > 1) head.append(el('span', 'muted', ` · attempt ${run.attempt}`));
      const steps = el('ol');
      steps.append(
        el('li', '', `started with ${run.inputIds.map(labelOf).join(', ') || 'no input'}`),
      );
      for (const b of run.boundaries) {
        const line = el('li', b.injected.length > 0 ? 'steered' : '');
        line.append(el('span', 'when', clock(b.at)));
        line.append(
          b.injected.length > 0
            ? `boundary ${b.n}: ${b.injected.map(labelOf).join(', ')} steered in here`
            : `boundary ${b.n}`,
        );
        steps.append(line);
      }
      const end = el('li');
      if (run.end === null) end.append('running…');
      else {
        end.append(el('span', 'when', clock(run.end.at)));
        end.append(
          `${run.end.status} after ${duration(run.at, run.end.at)}${run.end.text ? ` — ${run.end.text}` : ''}`,
        );
      }
      steps.append(end);
      li.append(head, steps);
      return li;
    });
    list.replaceChildren(...items);
    return items.length;
  };
  /** The run still running, if any. */
  const active = () => [...runs.values()].reverse().find((run) => run.end === null) ?? null;
  return { apply, render, active };
}

function usage(value) {
  if (!value) return '';
  const parts = [];
  if (value.inputTokens !== undefined) parts.push(`${value.inputTokens} tokens in`);
  if (value.outputTokens !== undefined) parts.push(`${value.outputTokens} out`);
  return parts.join(', ');
}
