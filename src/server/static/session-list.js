// The session list: one page at a time (so hundreds of sessions stay fast), refreshed — at most a few
// times a second — when the global event stream reports a change.

import { api, coalesce, streamUrl } from './api.js';
import { EVENT_TYPES } from './event-types.js';

const PAGE_SIZE = 50;
/** What the list reacts to: a name ending in `.` watches every event type under that prefix. */
const WATCHED = [
  'session.',
  'run.started',
  'run.completed',
  'run.failed',
  'run.cancelled',
  'input.queued',
  'input.staged',
  'input.consumed',
  'input.abandoned',
  'input.superseded',
  'input.coalesced',
];
const WATCHED_TYPES = EVENT_TYPES.filter((type) =>
  WATCHED.some((name) => (name.endsWith('.') ? type.startsWith(name) : type === name)),
);

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(session) {
  const tr = document.createElement('tr');
  tr.dataset.sessionId = session.sessionId;
  const idCell = cell('', 'id');
  const link = document.createElement('a');
  link.href = `#/sessions/${encodeURIComponent(session.sessionId)}`;
  link.textContent = session.sessionId;
  idCell.append(link);
  const phase = document.createElement('span');
  phase.className = `phase phase-${session.phase}`;
  phase.textContent = session.phase;
  const phaseCell = cell('', 'phase-cell');
  phaseCell.append(phase);
  tr.append(
    idCell,
    phaseCell,
    cell(String(session.queue), 'queue'),
    cell(String(session.steer), 'steer'),
    cell(session.running ? 'running' : '—', 'running'),
  );
  return tr;
}

/** Mounts the list view; returns its disposer. */
export function mountSessionList(ui) {
  const view = document.getElementById('list-view');
  const tbody = view.querySelector('#sessions-table tbody');
  const empty = document.getElementById('sessions-empty');
  const prev = document.getElementById('prev-page');
  const next = document.getElementById('next-page');
  const info = document.getElementById('page-info');
  const form = document.getElementById('new-session-form');
  const idInput = document.getElementById('new-session-id');
  let offset = 0;
  let nextOffset = null;
  let latest = 0;
  let disposed = false;

  const load = async () => {
    const ticket = ++latest;
    try {
      const page = await api('GET', `/v1/sessions?offset=${offset}&limit=${PAGE_SIZE}`);
      // A slower, older response must not overwrite a newer one.
      if (disposed || ticket !== latest) return;
      nextOffset = page.nextOffset;
      tbody.replaceChildren(...page.sessions.map(row));
      empty.hidden = page.sessions.length > 0;
      prev.disabled = offset === 0;
      next.disabled = nextOffset === null;
      info.textContent =
        page.sessions.length === 0 ? '' : `${offset + 1}–${offset + page.sessions.length}`;
    } catch (error) {
      if (!disposed) ui.reportError(error);
    }
  };
  const refresh = coalesce(load, 300);

  const onPrev = () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void load();
  };
  const onNext = () => {
    if (nextOffset === null) return;
    offset = nextOffset;
    void load();
  };
  const onSubmit = async (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    try {
      const snapshot = await api('POST', '/v1/sessions', id === '' ? {} : { id });
      ui.navigate(`#/sessions/${encodeURIComponent(snapshot.sessionId)}`);
    } catch (error) {
      ui.reportError(error);
    }
  };
  prev.addEventListener('click', onPrev);
  next.addEventListener('click', onNext);
  form.addEventListener('submit', onSubmit);

  const source = new EventSource(streamUrl('/v1/events', { types: WATCHED.join(',') }));
  const onEvent = () => refresh();
  source.onmessage = onEvent;
  for (const type of WATCHED_TYPES) source.addEventListener(type, onEvent);
  source.addEventListener('end', (event) => {
    // `overflow`: reconnect (EventSource does it by itself) and reload; `server_shutdown`: stop.
    if (JSON.parse(event.data).reason === 'server_shutdown') {
      source.close();
      ui.notify('The server is shutting down.', true);
    }
    refresh();
  });

  view.hidden = false;
  void load();
  return () => {
    disposed = true;
    refresh.cancel();
    source.close();
    prev.removeEventListener('click', onPrev);
    next.removeEventListener('click', onNext);
    form.removeEventListener('submit', onSubmit);
    view.hidden = true;
  };
}
