// Small helpers the dashboard's views share: building elements, short ids, times, and readable text
// for input payloads, outcomes and JSON.

/** Creates an element with an optional class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A long id (a UUID) shortened to its start and end; short ids stay as they are. */
export function shortId(id) {
  if (typeof id !== 'string') return String(id);
  return id.length <= 14 ? id : `${id.slice(0, 4)}…${id.slice(-6)}`;
}

/** `HH:MM:SS` of an ISO time, in local time. */
export function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour12: false });
}

/** Seconds between two ISO times, as `1.2 s`. */
export function duration(fromIso, toIso) {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** At most `max` characters of `text`, with an ellipsis when cut. */
export function clip(text, max = 120) {
  const one = String(text);
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** A JSON value as short text (strings as they are). */
export function preview(value, max = 200) {
  if (typeof value === 'string') return clip(value, max);
  return clip(JSON.stringify(value) ?? String(value), max);
}

/** The text of content: a string, or blocks (text, and images as `[image]`). */
export function contentText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return preview(content);
  return content
    .map((block) => {
      if (block?.type === 'text') return block.text;
      if (block?.type === 'image' || block?.type === 'file') return '[image]';
      return preview(block);
    })
    .join('\n');
}

/** What an input says, by kind. */
export function payloadText(payload) {
  if (payload === null || typeof payload !== 'object') return preview(payload);
  switch (payload.kind) {
    case 'prompt':
    case 'peer_message':
      return contentText(payload.content);
    case 'external_event':
      return `${payload.source}/${payload.eventType}: ${preview(payload.payload)}`;
    case 'peer_request':
      return `request ${payload.requestId} from ${payload.from}: ${contentText(payload.content)}`;
    case 'peer_response':
      return `response to ${payload.requestId} (${payload.status}): ${contentText(payload.content)}`;
    case 'continuation':
      return `continue: ${payload.reason}`;
    case 'operation':
      return `operation ${payload.operationId}`;
    default:
      return preview(payload);
  }
}

/** How an input ended, in a few words. */
export function outcomeText(outcome) {
  if (outcome === null || outcome === undefined) return '';
  switch (outcome.status) {
    case 'completed':
      return `completed: ${preview(outcome.result, 160)}`;
    case 'completed_without_result':
      return 'completed (no result)';
    case 'completed_with_finalization_failure':
      return `completed, but finalizing failed: ${outcome.error.message}`;
    case 'cancelled':
      return `cancelled: ${outcome.reason}`;
    case 'failed':
      return `failed: ${outcome.error.message}`;
    case 'superseded':
      return `superseded by ${shortId(outcome.by)}`;
    case 'coalesced':
      return `coalesced into ${shortId(outcome.into)}`;
    case 'abandoned':
      return `abandoned: ${outcome.reason}`;
    case 'runtime_terminated':
      return `runtime terminated: ${outcome.reason}`;
    default:
      return preview(outcome);
  }
}
