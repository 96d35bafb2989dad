// Describes whatever an executor threw as a run failure: a known cause, a retryable flag and a bounded,
// printable message. It never throws, whatever the value (Proxies, throwing getters, odd prototypes).

import type { FailureCause } from '../../core/machine/state.js';
import { isFailureCause } from '../../core/machine/state.js';
import { ExecutorError } from '../executor-error.js';

/** How a run failed, ready for the machine (`RunFailed`) and the caller's outcome. */
export interface RunFailure {
  readonly cause: FailureCause;
  readonly retryable: boolean;
  /** Printable (no control characters) and at most {@link MAX_FAILURE_MESSAGE} characters. */
  readonly message: string;
}

/** The longest failure message kept; longer ones are cut and end with an ellipsis. */
export const MAX_FAILURE_MESSAGE = 1_000;

/** Reads `key` of `value`; undefined when there is nothing to read or reading throws. */
function read(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null)
    return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** `text` without control characters, cut to `max` characters. */
function printable(text: string, max: number): string {
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  // eslint-disable-next-line no-control-regex -- the point is to replace control characters
  const clean = head.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** A short text for any value, or null when the value refuses every way of printing it. */
function textOf(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'object':
    case 'function':
      break;
  }
  if (value === null) return 'null';
  try {
    const json = JSON.stringify(value);
    if (typeof json === 'string') return json;
  } catch {
    // fall through: try the value's own string form
  }
  try {
    const toString = read(value, 'toString');
    const text: unknown = typeof toString === 'function' ? toString.call(value) : null;
    return typeof text === 'string' ? text : null;
  } catch {
    return null;
  }
}

/** The message of an Error-like value, or a description of a non-error throw. */
function messageOf(value: unknown): string {
  if (isInstance(value, Error)) {
    const message = read(value, 'message');
    if (typeof message === 'string' && message.length > 0) return message;
    return 'the executor threw an error without a message';
  }
  const text = textOf(value);
  return text === null ? 'the executor threw an unprintable value' : `non-error thrown: ${text}`;
}

/**
 * The run failure for a value an executor threw (or rejected with). An {@link ExecutorError} keeps its
 * cause and retryable flag when its cause is a known one; an unknown cause becomes `executor_error`,
 * named in the message. Anything else is `executor_error`, retryable (03, "Failure").
 *
 * @example
 * describeThrown(new ExecutorError('llm_failure', 'rate limited')); // { cause: 'llm_failure', retryable: true, ... }
 * describeThrown(new Proxy({}, { getPrototypeOf() { throw new Error(); } })); // { cause: 'executor_error', ... }
 */
export function describeThrown(value: unknown): RunFailure {
  const message = messageOf(value);
  if (!isInstance(value, ExecutorError)) {
    return {
      cause: 'executor_error',
      retryable: true,
      message: printable(message, MAX_FAILURE_MESSAGE),
    };
  }
  const cause = read(value, 'causeCode');
  const flag = read(value, 'retryable');
  const retryable = typeof flag === 'boolean' ? flag : true;
  if (isFailureCause(cause))
    return { cause, retryable, message: printable(message, MAX_FAILURE_MESSAGE) };
  const named = printable(textOf(cause) ?? 'an unprintable value', 64);
  return {
    cause: 'executor_error',
    retryable,
    message: printable(`unknown failure cause ${named}: ${message}`, MAX_FAILURE_MESSAGE),
  };
}
