// Record builders for the conformance suite: valid records of every stored type, at chosen times.

import { resolveAdmission } from '../../core/admission.js';
import type { InputRecord, InputState } from '../../core/input-record.js';
import { isTerminal } from '../../core/input-record.js';
import type { JsonValue } from '../../core/json.js';
import type { Phase } from '../../core/machine-state.js';
import { EMPTY_BINDING } from '../../core/machine-state.js';
import type { DurableEvent } from '../../core/runtime-event.js';
import { initialVisibility } from '../../core/tool-visibility.js';
import type { LifecycleRecord, OperationRecord, OpsCursorRecord, RunReceipt } from '../records.js';
import type { TranscriptEntry } from '../records.js';
import { runtimeIdOf } from '../runtime-store.js';

/** A fixed base time for records (2025-01-01T00:00:00Z); stores read no clock, so neither do the tests. */
export const T0 = Date.UTC(2025, 0, 1);

/** The ISO timestamp `ms` milliseconds after {@link T0}. */
export function at(ms = 0): string {
  return new Date(T0 + ms).toISOString();
}

/** A lifecycle record; idle and unbound (trivial) unless overridden. */
export function lifecycle(
  sessionId: string,
  overrides: Partial<LifecycleRecord> = {},
): LifecycleRecord {
  return {
    recordVersion: 1,
    sessionId,
    phase: 'idle',
    binding: EMPTY_BINDING,
    epochId: 'epoch-1',
    silentIntents: [],
    visibility: initialVisibility(),
    ...overrides,
  };
}

/** A lifecycle record in `phase`, bound to a runtime (never trivial). */
export function boundLifecycle(sessionId: string, phase: Phase = 'idle'): LifecycleRecord {
  return lifecycle(sessionId, {
    phase,
    binding: {
      runtimeId: runtimeIdOf(sessionId),
      fenceToken: 0,
      generation: 1,
      epochId: 'epoch-1',
    },
  });
}

/** A durable prompt input; terminal states get a matching outcome. */
export function input(
  sessionId: string,
  inputId: string,
  seq: number,
  state: InputState = { status: 'queued' },
  options: {
    readonly updatedAt?: string;
    readonly expiresAt?: string;
    readonly content?: JsonValue;
    readonly idempotencyKey?: string;
  } = {},
): InputRecord {
  const payload = { kind: 'prompt' as const, content: options.content ?? `hello ${inputId}` };
  return {
    recordVersion: 1,
    header: {
      inputId,
      sessionId,
      createdAt: at(seq),
      origin: 'operator',
      durability: 'durable',
      idempotencyKey: options.idempotencyKey ?? null,
      whenBusy: null,
      supersedeKey: null,
      metadata: { trace: ['a', 1, null, true] },
      debounceMs: null,
      ttlMs: null,
    },
    payload,
    decision: resolveAdmission(payload, undefined, { sessionDefault: 'queue', silentIntents: [] }),
    seq,
    state,
    attempts: 0,
    outcome: isTerminal(state) ? { status: 'completed_without_result', runId: null } : null,
    expiresAt: options.expiresAt ?? null,
    updatedAt: options.updatedAt ?? at(seq),
  };
}

/** A completed run's receipt. */
export function receipt(
  runId: string,
  seq: number,
  inputIds: readonly string[],
  when = at(seq),
): RunReceipt {
  return {
    recordVersion: 1,
    runId,
    seq,
    outcome: 'completed',
    resultClass: 'text',
    inputIds,
    attempt: 1,
    at: when,
    result: { text: `result of ${runId}`, tokens: 12 },
  };
}

/** `count` transcript messages from `start`, all written by `runId`. */
export function messages(start: number, count: number, runId: string): TranscriptEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    index: start + i,
    runId,
    message: { role: i % 2 === 0 ? 'user' : 'assistant', content: `message ${start + i}` },
  }));
}

/**
 * `count` events with seqs from `fromSeq`, alternating types, at `when(seq)`. Their ids are
 * `<epoch>.<seq>` as the runtime writes them, with a new epoch every four seqs.
 */
export function events(
  sessionId: string,
  fromSeq: number,
  count: number,
  when: (seq: number) => string = (seq) => at(seq),
): DurableEvent[] {
  return Array.from({ length: count }, (_, i): DurableEvent => {
    const seq = fromSeq + i;
    const id = `${sessionId}-epoch-${Math.floor(seq / 4)}.${seq}`;
    const envelope = { seq, id, at: when(seq), sessionId };
    return i % 2 === 0
      ? { ...envelope, type: 'input.queued', data: { inputId: `in-${seq}`, attempt: 0 } }
      : { ...envelope, type: 'run.completed', data: { runId: `run-${seq}`, resultClass: 'text' } };
  });
}

/** A background operation; a terminal one finished at `finishedAt` with `completionSeq`. */
export function operation(
  operationId: string,
  finished: { readonly completionSeq: number; readonly finishedAt: string } | null = null,
): OperationRecord {
  return {
    recordVersion: 1,
    operationId,
    kind: 'background_tool',
    status: finished === null ? 'running' : 'completed',
    terminal: finished !== null,
    completionSeq: finished?.completionSeq ?? null,
    finishedAt: finished?.finishedAt ?? null,
    record: { tool: 'search', args: { q: operationId } },
  };
}

/** A completion-feed cursor. */
export function opsCursor(nextCompletionSeq: number): OpsCursorRecord {
  return { epochId: 'epoch-1', nextCompletionSeq, applied: 1, observed: 1, injected: 0 };
}
