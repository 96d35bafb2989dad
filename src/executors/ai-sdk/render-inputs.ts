// Rendering Burrow inputs as the user messages the model reads, with their provenance.

import type { ImagePart, TextPart, UserModelMessage } from 'ai';
import { assertNever } from '../../core/assert-never.js';
import type { JsonValue } from '../../core/json.js';
import type { InputKind, InputPayload } from '../../core/input-kinds.js';
import type { StagedInput } from '../../runtime/executor.js';

/**
 * One user message per input, in batch order. Prompts are the user's own words and are sent as
 * they are; everything else is prefixed with a bracketed line saying where it comes from, so the
 * model never mistakes a webhook or another agent for its user:
 *
 * - `external_event`: `[event from <source>: <eventType>] <payload as JSON>`
 * - `peer_message`: `[message from peer <from>] <content>`
 * - `peer_request`: `[request <requestId> from peer <from>, intent <intent>] <content>`
 * - `peer_response`: `[response from peer <from> to request <requestId>: <status>] <content>`
 * - `continuation`: `[continuation: <reason>] operation <id> finished with result: <json>` and an
 *   instruction to resume the pending work
 * - `operation`: `[notice from operation <operationId>] <notice as JSON>`
 *
 * Messages are plain JSON (image data stays a base64 or URL string), so they can be stored as is.
 */
export function renderInputs(inputs: readonly StagedInput[]): UserModelMessage[] {
  return inputs.map((input) => ({ role: 'user', content: renderPayload(input.payload) }));
}

type UserContent = UserModelMessage['content'];

function renderPayload(payload: InputPayload): UserContent {
  const kind: InputKind = payload.kind;
  switch (kind) {
    case 'prompt':
      return content(payload['content']);
    case 'external_event':
      return `[event from ${str(payload['source'])}: ${str(payload['eventType'])}] ${json(payload['payload'])}`;
    case 'peer_message':
      return withPrefix(`[message from peer ${str(payload['from'])}]`, payload['content']);
    case 'peer_request':
      return withPrefix(
        `[request ${str(payload['requestId'])} from peer ${str(payload['from'])}, intent ${str(payload['intent'])}]`,
        payload['content'],
      );
    case 'peer_response':
      return withPrefix(
        `[response from peer ${str(payload['from'])} to request ${str(payload['requestId'])}: ${str(payload['status'])}]`,
        payload['content'],
      );
    case 'continuation':
      return renderContinuation(payload);
    case 'operation':
      return `[notice from operation ${str(payload['operationId'])}] ${json(payload['notice'])}`;
    case 'approval_decision':
      return `[approval ${str(payload['approvalId'])} of tool call ${str(payload['toolCallId'])}: ${str(payload['decision'])}${payload['reason'] === undefined ? '' : `, ${str(payload['reason'])}`}]`;
    default:
      return assertNever(kind);
  }
}

function renderContinuation(payload: InputPayload): string {
  const operation = payload['operationId'];
  const result = payload['result'];
  const parts = [`[continuation: ${str(payload['reason'])}]`];
  if (operation !== undefined) parts.push(`operation ${str(operation)} finished`);
  if (result !== undefined) parts.push(`with result: ${json(result)}`);
  parts.push('Resume the pending work using this.');
  return parts.join(' ');
}

/** Prefix + content: one string when the content is text, a leading text part otherwise. */
function withPrefix(prefix: string, value: JsonValue | undefined): UserContent {
  const rendered = content(value);
  if (typeof rendered === 'string') return `${prefix} ${rendered}`;
  return [{ type: 'text', text: prefix }, ...rendered];
}

/** Burrow content (a string or text/image blocks) as AI SDK user content. */
function content(value: JsonValue | undefined): UserContent {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return json(value);
  return value.map((block): TextPart | ImagePart => {
    const fields = isObject(block) ? block : {};
    if (fields['type'] === 'image') {
      const image = str(fields['url'] ?? fields['data']);
      const mediaType = fields['mediaType'];
      return typeof mediaType === 'string'
        ? { type: 'image', image, mediaType }
        : { type: 'image', image };
    }
    return {
      type: 'text',
      text: typeof fields['text'] === 'string' ? fields['text'] : json(block),
    };
  });
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : json(value);
}

function json(value: JsonValue | undefined): string {
  return JSON.stringify(value ?? null);
}
