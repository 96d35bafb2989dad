// The session's inputs, newest first: what each says, the policy it was admitted under, its state and
// its outcome.

import { el, outcomeText, payloadText, shortId } from './format.js';

function stateText(state) {
  if (state.status === 'abandoned') return `abandoned (${state.reason})`;
  return state.status;
}

/** Renders `records` (newest first) into `list`. */
export function renderInputs(list, records) {
  const items = records.map((record) => {
    const li = el('li');
    li.dataset.inputId = record.header.inputId;
    li.append(el('div', 'content', payloadText(record.payload)));
    const meta = el('div', 'meta');
    const { decision } = record;
    meta.append(
      el('span', 'mono', shortId(record.header.inputId)),
      el('span', 'kind', record.payload.kind),
      el('span', 'policy', `${decision.whenBusy} → ${decision.lane}/${decision.queueMode}`),
      el('span', `state state-${record.state.status}`, stateText(record.state)),
    );
    if (record.outcome !== null) {
      meta.append(
        el('span', `outcome outcome-${record.outcome.status}`, outcomeText(record.outcome)),
      );
    }
    li.append(meta);
    return li;
  });
  list.replaceChildren(...items);
}
