// The conversation, read like a chat: the committed transcript turn by turn (each role's bubble, tool
// calls as cards with their results), the inputs that are not in it (waiting, in the running turn,
// or ended without a turn), and the running turn's streamed text. Ordered by when inputs were sent.

import { contentText, el, outcomeText, payloadText, preview, shortId } from './format.js';

/** Tool results by the id of the call they answer, from every tool message of the transcript. */
function toolResults(transcript) {
  const results = new Map();
  for (const { message } of transcript) {
    if (message?.role !== 'tool' || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (part?.type === 'tool-result') results.set(part.toolCallId, part);
    }
  }
  return results;
}

/** A tool result's text and whether it is an error (AI SDK output shapes, and plain results). */
function resultText(part) {
  const output = part.output ?? part.result;
  if (output?.type === 'execution-denied') {
    return { text: `denied${output.reason ? `: ${output.reason}` : ''}`, error: true };
  }
  if (output && typeof output === 'object' && 'type' in output && 'value' in output) {
    return { text: preview(output.value, 400), error: String(output.type).startsWith('error') };
  }
  return { text: preview(output, 400), error: part.isError === true };
}

function toolCard(name, input, result, awaitingApproval = false) {
  const card = el('div', 'tool');
  card.append(el('span', 'tool-label', 'tool call '), el('strong', '', name));
  card.append(el('pre', 'mono', preview(input, 400)));
  if (result === undefined) {
    card.append(
      el('div', 'muted', awaitingApproval ? 'waiting for approval…' : 'waiting for the result…'),
    );
  } else {
    const { text, error } = resultText(result);
    card.append(el('div', `result${error ? ' error' : ''}`, `→ ${text}`));
  }
  return card;
}

function bubble(role, label) {
  const li = el('li', `msg msg-${role}`);
  li.append(el('span', 'role', label ?? role));
  return li;
}

/** One transcript message; `null` for a tool message whose results are shown with their calls. */
function messageNode(message, results, shownResults) {
  if (message === null || typeof message !== 'object' || typeof message.role !== 'string') {
    const li = bubble('assistant', 'message');
    li.append(el('span', 'text', preview(message, 2000)));
    return li;
  }
  const { role, content } = message;
  if (role === 'tool') {
    const parts = Array.isArray(content) ? content : [];
    const orphans = parts.filter(
      (p) => p?.type === 'tool-result' && !shownResults.has(p.toolCallId),
    );
    if (orphans.length === 0) return null;
    const li = bubble('assistant', 'tool results');
    for (const part of orphans) li.append(toolCard(part.toolName, '(call not shown)', part));
    return li;
  }
  const known = role === 'user' || role === 'assistant' || role === 'system' ? role : 'assistant';
  const li = bubble(known, role);
  if (typeof content === 'string' || !Array.isArray(content)) {
    li.append(el('span', 'text', typeof content === 'string' ? content : preview(content, 2000)));
    return li;
  }
  // Calls this message asked a person to approve (AI SDK `tool-approval-request` parts).
  const asked = new Set(
    content.filter((p) => p?.type === 'tool-approval-request').map((p) => p.toolCallId),
  );
  for (const part of content) {
    if (part?.type === 'tool-approval-request') continue;
    if (part?.type === 'text') li.append(el('span', 'text', part.text));
    else if (part?.type === 'reasoning') li.append(el('div', 'muted', part.text));
    else if (part?.type === 'tool-call') {
      const result = results.get(part.toolCallId);
      if (result !== undefined) shownResults.add(part.toolCallId);
      li.append(
        toolCard(part.toolName, part.input ?? part.args, result, asked.has(part.toolCallId)),
      );
    } else li.append(el('span', 'text', contentText([part])));
  }
  return li;
}

/** What an input not (yet) in the transcript is doing, in words. */
function inputStatus(record, running) {
  const { state } = record;
  switch (state.status) {
    case 'queued':
      return record.decision.lane === 'steer'
        ? 'waiting to be steered into the running turn at its next boundary'
        : running
          ? 'queued: runs after the current turn'
          : 'queued';
    case 'staged':
    case 'applied':
      return `in the running turn ${shortId(state.runId)}`;
    default:
      return outcomeText(record.outcome) || state.status;
  }
}

function inputNode(record, running) {
  const ended = !['queued', 'staged', 'applied'].includes(record.state.status);
  const kind = record.payload.kind === 'prompt' ? 'user' : record.payload.kind.replace('_', ' ');
  const li = bubble('user', kind);
  li.classList.add(ended ? 'msg-ended' : 'msg-pending');
  li.dataset.inputId = record.header.inputId;
  li.append(el('span', 'text', payloadText(record.payload)));
  li.append(el('br'));
  li.append(el('span', 'badge', inputStatus(record, running)));
  return li;
}

function liveNode(runId, live) {
  const li = bubble('assistant', 'assistant · typing…');
  li.classList.add('msg-live');
  li.dataset.runId = runId;
  if (live.text !== '') li.append(el('span', 'text', live.text));
  for (const call of live.tools.values())
    li.append(toolCard(call.toolName, call.args, call.result));
  if (live.text === '' && live.tools.size === 0) li.append(el('span', 'muted', 'thinking…'));
  return li;
}

/**
 * Renders the conversation into `list`. `transcript` is `[{ index, runId, message }]` (oldest first),
 * `inputs` the session's input records, `live` the streamed progress of running turns by run id.
 */
export function renderConversation(list, { transcript, inputs, live, activeRun }) {
  const results = toolResults(transcript);
  const shownResults = new Set();
  const turns = new Map();
  for (const entry of transcript) {
    let turn = turns.get(entry.runId);
    if (turn === undefined)
      turns.set(entry.runId, (turn = { runId: entry.runId, entries: [], first: entry.index }));
    turn.entries.push(entry);
  }
  // Inputs in a turn order it: the turn stands where its first input was sent.
  const seqOfRun = new Map();
  for (const record of inputs) {
    const runId = record.state.runId;
    if (typeof runId === 'string')
      seqOfRun.set(runId, Math.min(seqOfRun.get(runId) ?? Infinity, record.seq));
  }
  const items = [];
  for (const turn of turns.values()) {
    const seq = seqOfRun.get(turn.runId);
    items.push({
      key: seq ?? -1e15 + turn.first,
      node: () => turnNodes(turn, results, shownResults),
    });
  }
  for (const record of inputs) {
    const inTurn = record.state.status === 'consumed' && turns.has(record.state.runId);
    if (!inTurn)
      items.push({ key: record.seq, node: () => [inputNode(record, activeRun !== null)] });
  }
  for (const [runId, progress] of live) {
    const last = Math.max(-1, ...inputs.filter((r) => r.state.runId === runId).map((r) => r.seq));
    items.push({ key: last < 0 ? Infinity : last + 0.5, node: () => [liveNode(runId, progress)] });
  }
  items.sort((a, b) => a.key - b.key);
  list.replaceChildren(...items.flatMap((item) => item.node()));
  return items.length;
}

function turnNodes(turn, results, shownResults) {
  const divider = el('li', 'turn-divider', `turn ${shortId(turn.runId)}`);
  const nodes = turn.entries
    .map((entry) => messageNode(entry.message, results, shownResults))
    .filter((node) => node !== null);
  return [divider, ...nodes];
}
