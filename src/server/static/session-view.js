// One session: its conversation, its turns, its inputs and its events, live from the session's event
// stream (SSE) with coalesced reloads of what the events only point at (inputs, transcript, snapshot),
// drawn at most once per animation frame; and the buttons that send input and control the session.

import { api, coalesce, streamUrl } from './api.js';
import { renderConversation } from './conversation.js';
import { eventNode } from './event-log.js';
import { EVENT_TYPES } from './event-types.js';
import { clip, payloadText, shortId } from './format.js';
import { mountApprovalsPanel } from './approvals-panel.js';
import { renderInputs } from './inputs-panel.js';
import { createTimeline } from './timeline.js';

const MAX_EVENTS = 300;
const MAX_INPUTS = 200;
const TRANSCRIPT_WINDOW = 200;

/** Mounts the view of session `id`; returns its disposer. */
export function mountSessionView(id, ui) {
  const view = document.getElementById('session-view');
  const $ = (selector) => view.querySelector(selector);
  const path = `/v1/sessions/${encodeURIComponent(id)}`;
  const timeline = createTimeline();
  const dirty = new Set();
  let inputs = [];
  let inputById = new Map();
  let transcript = [];
  let loadedEnd = null;
  const live = new Map();
  let events = [];
  let lastSeq = 0;
  let phaseEvents = 0;
  let frame = 0;
  let disposed = false;

  const labelOf = (inputId) => {
    const record = inputById.get(inputId);
    return record === undefined ? shortId(inputId) : `“${clip(payloadText(record.payload), 32)}”`;
  };
  const draw = (...parts) => {
    for (const part of parts) dirty.add(part);
    if (frame === 0 && !disposed) frame = requestAnimationFrame(render);
  };
  const fail = (error) => {
    if (!disposed) ui.reportError(error);
  };

  const showPhase = (phase) => {
    const el = $('#phase');
    el.textContent = phase;
    el.dataset.phase = phase;
    el.className = `phase phase-${phase}`;
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
      $('#transcript-len').textContent = String(snapshot.transcriptLength);
      $('#run-id').textContent =
        snapshot.run === null
          ? 'none'
          : `${shortId(snapshot.run.runId)} · boundary ${snapshot.run.boundaryCount}`;
      $('#run-id').dataset.runId = snapshot.run?.runId ?? '';
    } catch (error) {
      fail(error);
    }
  }, 250);

  const refreshInputs = coalesce(async () => {
    try {
      const page = await api('GET', `${path}/inputs?limit=${MAX_INPUTS}`);
      if (disposed) return;
      inputs = page.inputs;
      inputById = new Map(inputs.map((record) => [record.header.inputId, record]));
      $('#inputs-count').textContent =
        `(${page.total}${page.total > MAX_INPUTS ? `, newest ${MAX_INPUTS}` : ''})`;
      draw('inputs', 'conversation', 'timeline', 'events');
    } catch (error) {
      fail(error);
    }
  }, 250);

  /** Loads the messages committed since the last load (at first: the newest ones). */
  const refreshTranscript = coalesce(async () => {
    try {
      if (loadedEnd === null) {
        const head = await api('GET', `${path}/history?limit=1`);
        loadedEnd = Math.max(0, head.total - TRANSCRIPT_WINDOW);
      }
      for (let pages = 0; pages < 5; pages += 1) {
        const page = await api(
          'GET',
          `${path}/history?offset=${loadedEnd}&limit=${TRANSCRIPT_WINDOW}`,
        );
        if (disposed) return;
        transcript = [...transcript, ...page.messages].slice(-TRANSCRIPT_WINDOW * 2);
        loadedEnd += page.messages.length;
        if (page.nextOffset === null) break;
      }
      draw('conversation');
    } catch (error) {
      fail(error);
    }
  }, 300);

  const onProgress = ({ runId, progress }) => {
    const entry = live.get(runId) ?? { text: '', tools: new Map() };
    live.set(runId, entry);
    if (progress?.type === 'text_delta') entry.text += progress.text;
    else if (progress?.type === 'tool_call') {
      entry.tools.set(progress.toolCallId, { toolName: progress.toolName, args: progress.args });
    } else if (progress?.type === 'tool_result') {
      const call = entry.tools.get(progress.toolCallId) ?? {
        toolName: progress.toolName,
        args: '',
      };
      entry.tools.set(progress.toolCallId, { ...call, result: { result: progress.result } });
    }
    draw('conversation');
  };

  const onEvent = (message) => {
    const event = JSON.parse(message.data);
    // Transient events (streamed text, tool calls; rejections) have no seq: live only, never replayed.
    if (event?.seq === null) {
      if (event.type === 'run.progress') onProgress(event.data);
      return;
    }
    // Durable seqs only grow: a frame seen twice — a replay overlapping a reconnect, or the same
    // event as a named and as a default `message` frame — counts once.
    if (typeof event?.seq !== 'number' || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    if (event.type === 'session.phase_changed') {
      phaseEvents += 1;
      showPhase(event.data.to);
    }
    if (timeline.apply(event)) draw('timeline');
    if (event.type === 'run.started') {
      // One turn at a time: a turn left open by a crash ended when this one started.
      live.clear();
      live.set(event.data.runId, { text: '', tools: new Map() });
    }
    if (event.type === 'run.progress') return onProgress(event.data);
    if (['run.completed', 'run.failed', 'run.cancelled'].includes(event.type)) {
      live.delete(event.data.runId);
      refreshTranscript();
    }
    if (event.type.startsWith('input.') || event.type.startsWith('run.')) refreshInputs();
    if (event.type.startsWith('approval.')) approvalsPanel.refresh();
    events.push(event);
    if (events.length > MAX_EVENTS) events = events.slice(-MAX_EVENTS);
    draw('events', 'conversation');
    refreshSnapshot();
  };

  function render() {
    frame = 0;
    if (dirty.has('conversation')) {
      const list = $('#conversation');
      const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
      const active = timeline.active();
      const count = renderConversation(list, {
        transcript,
        inputs: [...inputs].reverse(),
        live,
        activeRun: active,
      });
      $('#conversation-empty').hidden = count > 0;
      if (nearBottom) list.scrollTop = list.scrollHeight;
    }
    if (dirty.has('timeline'))
      $('#timeline-empty').hidden = timeline.render($('#timeline'), labelOf) > 0;
    if (dirty.has('inputs')) renderInputs($('#inputs-list'), inputs);
    if (dirty.has('events')) {
      const list = $('#events-list');
      const open = new Set(
        [...list.querySelectorAll('details[open]')].map((d) => d.parentElement.dataset.seq),
      );
      const items = [...events].reverse().map((event) => {
        const li = eventNode(event, labelOf);
        li.dataset.seq = String(event.seq);
        if (open.has(li.dataset.seq)) li.firstElementChild.open = true;
        return li;
      });
      list.replaceChildren(...items);
    }
    dirty.clear();
  }

  const approvalsPanel = mountApprovalsPanel(view, path, ui);
  const source = new EventSource(streamUrl(`${path}/events`, { since: 0 }));
  for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
  source.onmessage = onEvent;
  const streamState = $('#stream-state');
  const showStream = (text, isLive = false) => {
    streamState.textContent = text;
    streamState.classList.toggle('live', isLive);
  };
  source.onopen = () => showStream('live', true);
  source.onerror = () =>
    showStream(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  source.addEventListener('end', (message) => {
    const { reason } = JSON.parse(message.data);
    // `overflow`: this tab fell behind; EventSource reconnects with Last-Event-ID and resumes.
    if (reason === 'overflow') return showStream('catching up');
    source.close();
    showStream(reason === 'session_ended' ? 'ended: session unregistered' : `ended: ${reason}`);
  });

  const control =
    (action, done, body = {}) =>
    async () => {
      try {
        const answer = await api('POST', `${path}/${action}`, body);
        ui.notify(done(answer));
      } catch (error) {
        fail(error);
      }
    };
  const handlers = [
    [
      '#btn-interrupt',
      control(
        'interrupt',
        (a) => (a.interrupted ? `Interrupted turn ${shortId(a.runId)}.` : 'No turn was running.'),
        { reason: 'interrupted from the dashboard' },
      ),
    ],
    [
      '#btn-cancel-after-boundary',
      control('cancel-after-boundary', () => 'The turn stops at its next boundary.', {
        reason: 'cancelled from the dashboard',
      }),
    ],
    ['#btn-retire', control('retire', () => 'Retired: new input is refused; the queue drains.')],
    [
      '#btn-unregister',
      async () => {
        try {
          await api('DELETE', path);
          ui.navigate('#/');
        } catch (error) {
          fail(error);
        }
      },
    ],
  ];
  for (const [selector, handler] of handlers) $(selector).addEventListener('click', handler);

  const form = $('#send-form');
  const textarea = $('#send-content');
  const onSend = async (event) => {
    event.preventDefault();
    const content = textarea.value;
    if (content.trim() === '') return;
    const whenBusy = $('#send-when-busy').value;
    try {
      const accepted = await api('POST', `${path}/inputs`, {
        kind: 'prompt',
        content,
        ...(whenBusy === '' ? {} : { whenBusy }),
      });
      textarea.value = '';
      ui.notify(`Sent: ${accepted.status}, lane ${accepted.decision.lane}.`);
      refreshInputs();
    } catch (error) {
      fail(error);
    }
  };
  const onKey = (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  };
  form.addEventListener('submit', onSend);
  textarea.addEventListener('keydown', onKey);

  $('#session-title').textContent = id;
  showPhase('…');
  for (const list of ['#conversation', '#timeline', '#inputs-list', '#events-list']) {
    $(list).replaceChildren();
  }
  showStream('connecting');
  view.hidden = false;
  refreshSnapshot();
  refreshInputs();
  refreshTranscript();

  return () => {
    disposed = true;
    for (const refresh of [refreshSnapshot, refreshInputs, refreshTranscript]) refresh.cancel();
    if (frame !== 0) cancelAnimationFrame(frame);
    approvalsPanel.dispose();
    source.close();
    for (const [selector, handler] of handlers) $(selector).removeEventListener('click', handler);
    form.removeEventListener('submit', onSend);
    textarea.removeEventListener('keydown', onKey);
    view.hidden = true;
  };
}
