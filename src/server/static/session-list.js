// The session list: how many there are, search by id, a phase filter and a sort, one page at a time
// (so thousands of sessions stay fast), refreshed — at most a few times a second — when the global
// event stream reports a change.

import { api, coalesce, streamUrl } from './api.js';
import { EVENT_TYPES } from './event-types.js';
import { el } from './format.js';
import { PHASES } from './phases.js';

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

function row(session) {
  const tr = el('tr');
  tr.dataset.sessionId = session.sessionId;
  const idCell = el('td', 'id');
  const link = el('a', '', session.sessionId);
  link.href = `#/sessions/${encodeURIComponent(session.sessionId)}`;
  idCell.append(link);
  const phaseCell = el('td', 'phase-cell');
  phaseCell.append(el('span', `phase phase-${session.phase}`, session.phase));
  tr.append(
    idCell,
    phaseCell,
    el('td', 'queue', String(session.queue)),
    el('td', 'steer', String(session.steer)),
    el('td', 'running', session.running ? 'running' : '—'),
    // Which host owns the session (several hosts on one database); none: the next host to touch it.
    el('td', 'owner', session.owner ?? '—'),
  );
  return tr;
}

/** Mounts the list view; returns its disposer. */
export function mountSessionList(ui) {
  const view = document.getElementById('list-view');
  const $ = (selector) => view.querySelector(selector);
  const tbody = $('#sessions-table tbody');
  const empty = $('#sessions-empty');
  const prev = $('#prev-page');
  const next = $('#next-page');
  const info = $('#page-info');
  const search = $('#session-search');
  const phase = $('#session-phase');
  const sort = $('#session-sort');
  const form = $('#new-session-form');
  const idInput = $('#new-session-id');
  if (phase.options.length === 1) {
    for (const name of PHASES) phase.append(new Option(name, name));
  }
  let offset = 0;
  let nextOffset = null;
  let latest = 0;
  let disposed = false;

  const query = () => {
    const params = new URLSearchParams({ offset: String(offset), limit: String(PAGE_SIZE) });
    if (search.value !== '') params.set('search', search.value);
    if (phase.value !== '') params.set('phase', phase.value);
    if (sort.value !== 'id') params.set('sort', sort.value);
    return params.toString();
  };

  const load = async () => {
    const ticket = ++latest;
    try {
      const page = await api('GET', `/v1/sessions?${query()}`);
      // A slower, older response must not overwrite a newer one.
      if (disposed || ticket !== latest) return;
      nextOffset = page.nextOffset;
      tbody.replaceChildren(...page.sessions.map(row));
      $('#session-count').textContent = String(page.total);
      const filtered = search.value !== '' || phase.value !== '';
      empty.hidden = page.sessions.length > 0;
      empty.textContent =
        page.total === 0
          ? filtered
            ? 'No session matches.'
            : 'No sessions yet: register one above.'
          : 'No sessions on this page.';
      prev.disabled = offset === 0;
      next.disabled = nextOffset === null;
      info.textContent =
        page.sessions.length === 0
          ? ''
          : `${offset + 1}–${offset + page.sessions.length} of ${page.total}`;
    } catch (error) {
      if (!disposed) ui.reportError(error);
    }
  };
  const refresh = coalesce(load, 300);
  const typed = coalesce(async () => {
    offset = 0;
    await load();
  }, 250);

  const onPrev = () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void load();
  };
  const onNext = () => {
    if (nextOffset === null) return;
    offset = nextOffset;
    void load();
  };
  const onFilter = () => {
    offset = 0;
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
  const listeners = [
    [prev, 'click', onPrev],
    [next, 'click', onNext],
    [form, 'submit', onSubmit],
    [search, 'input', typed],
    [phase, 'change', onFilter],
    [sort, 'change', onFilter],
    [$('#list-filters'), 'submit', (event) => event.preventDefault()],
  ];
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);

  const source = new EventSource(streamUrl('/v1/events', { types: WATCHED.join(',') }));
  const onEvent = () => refresh();
  for (const type of WATCHED_TYPES) source.addEventListener(type, onEvent);
  source.onmessage = onEvent;
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
    typed.cancel();
    source.close();
    for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
    view.hidden = true;
  };
}
