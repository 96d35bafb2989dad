// Turns machine refusals into BurrowErrors, and looks up in-memory entries (runtime/session/access.ts finds the
// entry an operation needs, activating it from the store).

import { BurrowError } from '../../core/errors.js';
import type { MachineInput } from '../../core/machine/inputs.js';
import type { MachineState } from '../../core/machine/state.js';
import type { StepResult } from '../../core/machine/session-machine.js';
import { step } from '../../core/machine/session-machine.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from './entry.js';

/** Guards that judge what the caller sent (names, revisions) rather than the session's phase. */
const ARGUMENT_GUARDS: ReadonlySet<string> = new Set([
  'known_cause',
  'catalog_names_unique',
  'catalog_keeps_names_in_use',
  'filter_names_known',
  'deferred_names_known',
  'revision_is_staged',
  'published_revisions_ordered',
  'published_content_consistent',
  'published_names_known',
]);

/**
 * The error for a refused step: `destroyed` on a destroyed session; `validation_failed` when a guard
 * judged the request's own data (unknown tool names, revisions out of order); otherwise `not_ready`
 * with phase and guard.
 */
export function refusalError(
  sessionId: string,
  result: Extract<StepResult, { ok: false }>,
): BurrowError {
  const { phase, guard, input } = result.rejection;
  const details = { sessionId, phase, guard };
  if (phase === 'destroyed')
    return new BurrowError('destroyed', `session ${sessionId} is destroyed`, details);
  const message = `session ${sessionId} (${phase}) refuses ${input}: guard ${guard}`;
  if (ARGUMENT_GUARDS.has(guard)) {
    return new BurrowError('validation_failed', message, {
      ...details,
      issues: [`${guard}: not satisfied by the request`],
    });
  }
  return new BurrowError('not_ready', message, details);
}

/** Steps the machine or throws the refusal as a BurrowError. */
export function stepOrThrow(
  sessionId: string,
  state: MachineState,
  input: MachineInput,
): Extract<StepResult, { ok: true }> {
  const result = step(state, input);
  if (!result.ok) throw refusalError(sessionId, result);
  return result;
}

/**
 * The entry of `sessionId` in memory, or `session_not_found`. It does not activate a stored session:
 * operations reach their entry through runtime/session/access.ts; this is for synchronous callers only.
 */
export function requireEntry(ctx: RuntimeContext, sessionId: string): SessionEntry {
  const entry = ctx.sessions.get(sessionId);
  if (entry === undefined) throw sessionNotFound(sessionId);
  return entry;
}

/** The error for a session neither memory nor the store knows. */
export function sessionNotFound(sessionId: string): BurrowError {
  return new BurrowError('session_not_found', `no session ${sessionId}`, { sessionId });
}

/** True when `entry` is still the registered entry of its session. */
export function isCurrent(ctx: RuntimeContext, entry: SessionEntry): boolean {
  return !entry.removed && ctx.sessions.get(entry.sessionId) === entry;
}
