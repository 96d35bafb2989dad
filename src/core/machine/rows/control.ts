// Transition rows: control operations (cancel after boundary, interrupt, retire, reset, recycle, destroy).

import type { TransitionRow } from '../row.js';
import { LIVE_PHASES, restingPhase, row, settledTurn } from '../row.js';
import type { MachineEffect } from '../effects.js';
import type { MachineState } from '../state.js';
import { EMPTY_BINDING, NO_OBLIGATIONS } from '../state.js';

function retiredEffects(post: MachineState): MachineEffect[] {
  return post.binding.runtimeId === null
    ? []
    : [{ type: 'RuntimeRetired', runtimeId: post.binding.runtimeId }];
}

/** Rows for the control operations of 03. */
export const CONTROL_ROWS: readonly TransitionRow[] = [
  row({
    input: 'CancelAfterBoundary',
    from: ['attached', 'running'],
    guards: [],
    to: 'self',
    summary: 'asks the loop to stop the current turn at its next boundary',
    effects: (_p, i) => [
      { type: 'RuntimeEffect', effect: 'CancelAfterBoundary', reason: i.reason },
    ],
    emits: ['RuntimeEffect'],
  }),
  row({
    input: 'InterruptCurrentRun',
    from: ['attached', 'running'],
    guards: [],
    to: 'self',
    summary:
      'hard-cancels the current run through the live interrupt handle (no run: nothing to cancel)',
    effects: (_p, i) => [{ type: 'HardCancel', reason: i.reason }],
    emits: ['HardCancel'],
  }),
  row({
    input: 'Retire',
    from: ['retired'],
    guards: ['same_session'],
    to: 'self',
    summary: 'already retired: idempotent no-op',
  }),
  row({
    input: 'Retire',
    from: ['running'],
    guards: ['same_session', 'run_returns_to_retired'],
    to: 'self',
    summary: 'already retiring behind a live run: idempotent no-op',
  }),
  row({
    input: 'Retire',
    from: ['idle', 'attached'],
    guards: ['same_session', 'not_draining'],
    to: ['retired'],
    summary: 'no new input; the queue drains; clears a deferred stop',
    apply: (s) => ({ ...s, phase: 'retired', stopDeferred: false }),
    effects: retiredEffects,
    emits: ['RuntimeRetired'],
  }),
  row({
    input: 'Retire',
    from: ['running'],
    guards: ['same_session', 'not_draining'],
    to: 'self',
    summary: 'keeps the live run, which now returns to retired (visible phase: retired)',
    apply: (s) => ({
      ...s,
      stopDeferred: false,
      run: s.run === null ? null : { ...s.run, returnPhase: 'retired' },
    }),
    effects: retiredEffects,
    emits: ['RuntimeRetired'],
  }),
  row({
    input: 'Reset',
    from: ['initializing', 'idle', 'attached', 'retired'],
    guards: ['not_draining'],
    to: ['idle', 'attached'],
    summary:
      'back to idle (attached with an executor claim); clears the fence token, deferred stop and silent intents',
    apply: (s) => ({
      ...s,
      phase: restingPhase(s),
      run: null,
      turn: settledTurn(s.turn),
      binding: { ...s.binding, fenceToken: null },
      stopDeferred: false,
      silentIntents: [],
    }),
    effects: () => [{ type: 'RuntimeNotice', kind: 'reset', reason: 'session reset' }],
    emits: ['RuntimeNotice'],
  }),
  row({
    input: 'Recycle',
    from: ['idle', 'attached', 'retired'],
    guards: ['registered', 'not_draining'],
    to: ['idle', 'attached'],
    summary: 'clears the whole binding and any run pair (a new runtime instance next time)',
    apply: (s) => {
      const phase = restingPhase(s);
      return {
        ...s,
        phase,
        binding: EMPTY_BINDING,
        run: null,
        stopDeferred: s.stopDeferred && phase === 'attached',
      };
    },
    effects: () => [{ type: 'InitiateRecycle' }],
    emits: ['InitiateRecycle'],
  }),
  row({
    input: 'Destroy',
    from: LIVE_PHASES,
    guards: ['same_session', 'runtime_bound_if_initializing'],
    to: ['destroyed'],
    summary:
      'terminal: clears the run, obligations, drain window and silent intents; overrides an unregister',
    apply: (s) => ({
      ...s,
      phase: 'destroyed',
      run: null,
      turn: settledTurn(s.turn),
      stopDeferred: false,
      registration: 'queuing',
      unregister: NO_OBLIGATIONS,
      silentIntents: [],
      commsDrain:
        s.commsDrain.status === 'running' ? { ...s.commsDrain, status: 'stopped' } : s.commsDrain,
    }),
    effects: (_post, i, pre) => [
      ...(pre.commsDrain.status === 'running' ? [{ type: 'StopDrainTask' } as const] : []),
      { type: 'RuntimeDestroyed', sessionId: i.sessionId },
    ],
    emits: ['StopDrainTask', 'RuntimeDestroyed'],
  }),
];
