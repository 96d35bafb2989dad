// Transition rows: bootstrap, registration, recovery, executor registration, stop and exit.

import { filledBinding } from './machine-binding.js';
import type { TransitionRow } from './machine-row.js';
import { LIVE_PHASES, REGISTERED_PHASES, row, settledTurn } from './machine-row.js';
import type { MachineState } from './machine-state.js';
import { normaliseNames } from './tool-visibility.js';

function clearRun(state: MachineState): MachineState {
  return { ...state, run: null, turn: settledTurn(state.turn) };
}

/** Rows for bootstrap, registration, recovery, executor registration, stop and exit. */
export const LIFECYCLE_ROWS: readonly TransitionRow[] = [
  row({
    input: 'Initialize',
    from: ['initializing'],
    guards: [],
    to: ['idle'],
    summary: 'the machine is ready for a session',
    apply: (s) => ({ ...s, phase: 'idle' }),
  }),
  row({
    input: 'RegisterSession',
    from: REGISTERED_PHASES,
    guards: ['session_free_or_same'],
    to: 'self',
    summary: 'binds the session id (idempotent for the same id)',
    apply: (s, i) => ({ ...s, sessionId: i.sessionId }),
  }),
  row({
    input: 'RecoverRuntimeAuthority',
    from: ['initializing'],
    guards: [
      'unregistered',
      'observed_phase_recoverable',
      'recovered_run_shape',
      'recovered_binding_shape',
      'recovered_visibility_valid',
      'attached_needs_binding',
    ],
    to: ['initializing', 'idle', 'attached', 'retired', 'stopped', 'destroyed'],
    summary:
      'installs the observed durable facts; a retired run pair is validated, then dropped (no run survives a crash)',
    apply: (s, i) => ({
      ...s,
      phase: i.observedPhase,
      sessionId: i.sessionId,
      binding: i.binding,
      run: null,
      stopDeferred: false,
      registration: 'queuing',
      silentIntents: normaliseNames(i.silentIntents),
      visibility: i.visibility ?? s.visibility,
    }),
  }),
  row({
    input: 'PrepareBindings',
    from: LIVE_PHASES,
    guards: ['same_session', 'binding_fill_only', 'binding_shape_after_fill'],
    to: LIVE_PHASES,
    summary:
      'fills the binding (never replaces a fact); idle moves to attached; a no-op when nothing changes',
    apply: (s, i) => {
      const binding = filledBinding(s, i);
      if (JSON.stringify(binding) === JSON.stringify(s.binding)) return s;
      const run =
        s.run && s.run.returnPhase === 'idle'
          ? { ...s.run, returnPhase: 'attached' as const }
          : s.run;
      return { ...s, binding, run, phase: s.phase === 'idle' ? 'attached' : s.phase };
    },
    effects: (post, _i, pre) =>
      post.binding === pre.binding || post.binding.runtimeId === null
        ? []
        : [
            {
              type: 'RuntimeBound',
              runtimeId: post.binding.runtimeId,
              fenceToken: post.binding.fenceToken,
            },
          ],
    emits: ['RuntimeBound'],
  }),
  row({
    input: 'EnsureSessionWithExecutor',
    from: ['retired', 'stopped'],
    guards: ['same_session'],
    to: 'self',
    refuse: 'not_claimable',
    summary:
      'refused: a retired or stopped session cannot claim an executor (the seed accepts it silently)',
  }),
  row({
    input: 'EnsureSessionWithExecutor',
    from: ['idle', 'attached', 'running'],
    guards: ['same_session', 'not_draining'],
    to: ['attached', 'running'],
    summary: 'claims the executor (registration active); clears a deferred stop',
    apply: (s) => ({
      ...s,
      phase: s.phase === 'idle' ? 'attached' : s.phase,
      registration: 'active',
      stopDeferred: false,
      run: s.run && s.run.returnPhase === 'idle' ? { ...s.run, returnPhase: 'attached' } : s.run,
    }),
  }),
  row({
    input: 'StopRuntimeExecutor',
    from: ['initializing', 'idle', 'retired', 'stopped'],
    guards: [],
    to: 'self',
    summary: 'no live executor to wait for: clears the run and asks the shell to stop',
    apply: clearRun,
    effects: (_p, i) => [
      { type: 'RuntimeNotice', kind: 'stop', reason: i.reason },
      { type: 'RuntimeEffect', effect: 'StopRuntimeExecutor', reason: i.reason },
    ],
    emits: ['RuntimeNotice', 'RuntimeEffect'],
  }),
  row({
    input: 'StopRuntimeExecutor',
    from: ['attached', 'running'],
    guards: [],
    to: 'self',
    summary: 'a live executor or run: the stop is deferred until it ends',
    apply: (s) => ({ ...s, stopDeferred: true }),
    effects: (_p, i) => [
      { type: 'RuntimeNotice', kind: 'stop', reason: i.reason },
      { type: 'RuntimeEffect', effect: 'StopRuntimeExecutor', reason: i.reason },
    ],
    emits: ['RuntimeNotice', 'RuntimeEffect'],
  }),
  row({
    input: 'RuntimeExecutorExited',
    from: ['idle'],
    guards: ['unregistered'],
    to: 'self',
    summary: 'a late exit after unregister: explicit no-op',
  }),
  row({
    input: 'RuntimeExecutorExited',
    from: ['idle', 'attached', 'running'],
    guards: [],
    to: ['stopped'],
    summary:
      'the executor is gone: clears the run, the deferred stop and the claim (unless draining)',
    apply: (s) => ({
      ...clearRun(s),
      phase: 'stopped',
      stopDeferred: false,
      registration: s.registration === 'draining' ? 'draining' : 'queuing',
    }),
    effects: () => [{ type: 'RuntimeNotice', kind: 'exit', reason: 'executor exited' }],
    emits: ['RuntimeNotice'],
  }),
  row({
    input: 'RuntimeExecutorExited',
    from: ['retired', 'stopped'],
    guards: [],
    to: 'self',
    summary: 'the executor is gone from a retired or stopped session: releases the claim',
    apply: (s) => ({
      ...clearRun(s),
      stopDeferred: false,
      registration: s.registration === 'draining' ? 'draining' : 'queuing',
    }),
    effects: () => [{ type: 'RuntimeNotice', kind: 'exit', reason: 'executor exited' }],
    emits: ['RuntimeNotice'],
  }),
  row({
    input: 'RuntimeExecutorLost',
    from: ['idle', 'stopped'],
    guards: [],
    to: 'self',
    summary: 'no executor claim to release (also a late notice after unregister): explicit no-op',
  }),
  row({
    input: 'RuntimeExecutorLost',
    from: ['attached', 'running', 'retired'],
    guards: ['no_run'],
    to: ['idle', 'retired'],
    summary:
      'the executor is gone but nothing stopped it (its loop crashed, or a commit was refused for good; the shell rolls a bound run back first): releases the claim and any deferred stop; attached rests idle, retired stays retired; queued inputs wait for the next executor',
    apply: (s) => ({
      ...s,
      phase: s.phase === 'retired' ? 'retired' : 'idle',
      stopDeferred: false,
      registration: s.registration === 'draining' ? 'draining' : 'queuing',
    }),
    effects: (_p, i) => [{ type: 'RuntimeNotice', kind: 'lost', reason: i.reason }],
    emits: ['RuntimeNotice'],
  }),
];
