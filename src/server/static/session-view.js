// One session: phase and queues (from its events, with a coalesced snapshot refresh), its live event
// stream (capped, rendered once per frame so a fast stream stays usable), its inputs and their states,
// and the buttons that send input and control it.

import { api, coalesce, streamUrl } from './api.js';
import { EVENT_TYPES } from './event-types.js';

const MAX_EVENTS = 300;
const MAX_INPUTS = 200;
const INPUT_STATES = {
  'input.accepted': 'accepted',
  'input.queued': 'queued',
  'input.staged': 'staged',
  'input.applied': 'applied',
  'input.consumed': 'consumed',
  'input.superseded': 'superseded',
  'input.coalesced': 'coalesced',
  'input.abandoned': 'abandoned',
};

/** Mounts the view of session `id`; returns its disposer. */
export function mountSessionView(id, ui) {
  const view = document.getElementById('session-view');
  const $ = (selector) => view.querySelector(selector);
  const phaseEl = $('#phase');
  const eventsList = $('#events-list');
  const inputsBody = $('#inputs-table tbody');
  const streamState = $('#stream-state');
  const path = `/v1/sessions/${encodeURIComponent(id)}`;
  const inputs = new Map();
  let pendingEvents = [];
  let frame = 0;
  let phaseEvents = 0;
  let disposed = false;

  const showPhase = (phase) => {
    phaseEl.textContent = phase;
    phaseEl.dataset.phase = phase;
    phaseEl.className = `phase phase-${phase}`;
  };

  const refreshSnapshot = coalesce(async () => {
    const seen = phaseEvents;
    try {
      const snapshot = await api('GET', path);
      if (disposed) return;
      // The phase from events is authoritative unless no phase event arrived since this request left.
      if (seen === phaseEvents) showPhase(snapshot.phase);
      $('#queue-len').textContent = String(snapshot.queues.queue);
      $('#steer-len').textContent = String(snapshot.queues.steer);
      $('#run-id').textContent = snapshot.run === null ? 'none' : snapshot.run.runId;
    } catch (error) {
      if (!disposed) ui.reportError(error);
    }
  }, 250);

  const renderInputs = () => {
    const rows = [...inputs.values()].reverse().map((input) => {
      const tr = document.createElement('tr');
      tr.dataset.inputId = input.inputId;
      for (const [text, className] of [
        [input.inputId, 'id'],
        [input.kind, 'kind'],
        [input.lane, 'lane'],
        [input.state, 'state'],
      ]) {
        const td = document.createElement('td');
        td.textContent = text;
        td.className = className;
        tr.append(td);
      }
      return tr;
    });
    inputsBody.replaceChildren(...rows);
  };

  const render = () => {
    frame = 0;
    const batch = pendingEvents.slice(-MAX_EVENTS);
    pendingEvents = [];
    const items = batch.reverse().map((event) => {
      const li = document.createElement('li');
      const type = document.createElement('span');
      type.className = 'type';
      type.textContent = `#${event.seq} ${event.type}`;
      li.append(type, JSON.stringify(event.data));
      return li;
    });
    eventsList.prepend(...items);
    while (eventsList.childElementCount > MAX_EVENTS) eventsList.lastElementChild.remove();
    renderInputs();
  };

  const track = (event) => {
    const state = INPUT_STATES[event.type];
    if (state === undefined) return;
    const existing = inputs.get(event.data.inputId) ?? {
      inputId: event.data.inputId,
      kind: '',
      lane: '',
    };
    if (event.type === 'input.accepted') {
      existing.kind = event.data.kind;
      existing.lane = event.data.decision?.lane ?? '';
    }
    existing.state = event.type === 'input.abandoned' ? `abandoned (${event.data.reason})` : state;
    inputs.delete(existing.inputId);
    inputs.set(existing.inputId, existing);
    if (inputs.size > MAX_INPUTS) inputs.delete(inputs.keys().next().value);
  };

  const onEvent = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === 'session.phase_changed') {
      phaseEvents += 1;
      showPhase(event.data.to);
    }
    track(event);
    pendingEvents.push(event);
    if (pendingEvents.length > MAX_EVENTS) pendingEvents = pendingEvents.slice(-MAX_EVENTS);
    if (frame === 0) frame = requestAnimationFrame(render);
    if (event.type !== 'run.progress') refreshSnapshot();
  };

  const source = new EventSource(streamUrl(`${path}/events`, { since: 0 }));
  for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
  source.onopen = () => (streamState.textContent = 'live');
  source.onerror = () => {
    streamState.textContent = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
  };
  source.addEventListener('end', (message) => {
    const { reason } = JSON.parse(message.data);
    // `overflow`: this tab fell behind; EventSource reconnects with Last-Event-ID and resumes.
    if (reason === 'overflow') {
      streamState.textContent = 'catching up';
      return;
    }
    source.close();
    streamState.textContent =
      reason === 'session_ended' ? 'ended: session unregistered' : `ended: ${reason}`;
  });

  const control = (action) => async () => {
    try {
      await api('POST', `${path}/${action}`, {});
      ui.notify(`${action}: done`);
    } catch (error) {
      ui.reportError(error);
    }
  };
  const handlers = [
    ['#btn-interrupt', control('interrupt')],
    ['#btn-cancel-after-boundary', control('cancel-after-boundary')],
    ['#btn-retire', control('retire')],
    [
      '#btn-unregister',
      async () => {
        try {
          await api('DELETE', path);
          ui.navigate('#/');
        } catch (error) {
          ui.reportError(error);
        }
      },
    ],
  ];
  for (const [selector, handler] of handlers) $(selector).addEventListener('click', handler);
  const form = $('#send-form');
  const onSend = async (event) => {
    event.preventDefault();
    const content = $('#send-content').value;
    const whenBusy = $('#send-when-busy').value;
    try {
      const accepted = await api('POST', `${path}/inputs`, {
        kind: 'prompt',
        content,
        ...(whenBusy === '' ? {} : { whenBusy }),
      });
      $('#send-content').value = '';
      ui.notify(`input ${accepted.inputId}: ${accepted.status}`);
    } catch (error) {
      ui.reportError(error);
    }
  };
  form.addEventListener('submit', onSend);

  $('#session-title').textContent = id;
  showPhase('…');
  eventsList.replaceChildren();
  inputsBody.replaceChildren();
  streamState.textContent = 'connecting';
  view.hidden = false;
  refreshSnapshot();

  return () => {
    disposed = true;
    refreshSnapshot.cancel();
    if (frame !== 0) cancelAnimationFrame(frame);
    source.close();
    for (const [selector, handler] of handlers) $(selector).removeEventListener('click', handler);
    form.removeEventListener('submit', onSend);
    view.hidden = true;
  };
}
