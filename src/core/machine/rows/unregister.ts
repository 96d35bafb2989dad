// Transition rows: the two-phase unregister drain, its obligations and its late observations.

import type { TransitionRow } from '../row.js';
import { LIVE_PHASES, row } from '../row.js';
import type { MachineInputType } from '../inputs.js';
import type { MachineState } from '../state.js';
import { initialState } from '../state.js';

function openDrain(state: MachineState, retainSnapshot: boolean): MachineState {
  return {
    ...state,
    registration: 'draining',
    unregister: {
      loopStopPending: true,
      commsExitPending: true,
      waitersPending: true,
      retainSnapshot,
    },
  };
}

const drainRequests = () =>
  [
    { type: 'RequestRuntimeLoopStopForUnregister' },
    { type: 'RequestCommsDrainExitForUnregister' },
    { type: 'RequestCompletionWaiterResolutionForUnregister' },
  ] as const;

function lateNoOp(input: MachineInputType): TransitionRow {
  return row({
    input,
    from: ['idle'],
    guards: ['unregistered'],
    to: 'self',
    summary: 'a late observation after unregister: explicit no-op, so late producers see success',
  });
}

/** Whether the durable record survives: decided when the drain opens, or from the phase outside a drain. */
function retains(state: MachineState): boolean {
  return state.registration === 'draining'
    ? state.unregister.retainSnapshot
    : state.phase === 'retired' || state.phase === 'stopped';
}

/** Rows for the unregister drain. */
export const UNREGISTER_ROWS: readonly TransitionRow[] = [
  row({
    input: 'BeginUnregisterSession',
    from: ['idle', 'attached', 'running'],
    guards: ['same_session', 'binding_matches', 'not_draining'],
    to: 'self',
    summary: 'opens the drain window with three obligations; the durable record will be deleted',
    apply: (s) => openDrain(s, false),
    effects: drainRequests,
    emits: [
      'RequestRuntimeLoopStopForUnregister',
      'RequestCommsDrainExitForUnregister',
      'RequestCompletionWaiterResolutionForUnregister',
    ],
  }),
  row({
    input: 'BeginUnregisterSession',
    from: ['retired', 'stopped'],
    guards: ['same_session', 'binding_matches', 'not_draining'],
    to: 'self',
    summary: 'opens the drain window; a retired or stopped session keeps its durable record',
    apply: (s) => openDrain(s, true),
    effects: drainRequests,
    emits: [
      'RequestRuntimeLoopStopForUnregister',
      'RequestCommsDrainExitForUnregister',
      'RequestCompletionWaiterResolutionForUnregister',
    ],
  }),
  lateNoOp('RuntimeLoopStoppedForUnregister'),
  row({
    input: 'RuntimeLoopStoppedForUnregister',
    from: LIVE_PHASES,
    guards: ['same_session', 'draining', 'loop_stop_pending'],
    to: 'self',
    summary: 'closes the runtime-loop obligation',
    apply: (s) => ({ ...s, unregister: { ...s.unregister, loopStopPending: false } }),
  }),
  lateNoOp('CommsDrainExitedForUnregister'),
  row({
    input: 'CommsDrainExitedForUnregister',
    from: LIVE_PHASES,
    guards: ['same_session', 'draining', 'comms_exit_pending'],
    to: 'self',
    summary: 'closes the comms-drain obligation and stops a running drain',
    apply: (s) => ({
      ...s,
      unregister: { ...s.unregister, commsExitPending: false },
      commsDrain:
        s.commsDrain.status === 'running' ? { ...s.commsDrain, status: 'stopped' } : s.commsDrain,
    }),
  }),
  lateNoOp('CompletionWaitersResolvedForUnregister'),
  row({
    input: 'CompletionWaitersResolvedForUnregister',
    from: LIVE_PHASES,
    guards: ['same_session', 'draining', 'waiters_pending'],
    to: 'self',
    summary: 'closes the completion-waiter obligation',
    apply: (s) => ({ ...s, unregister: { ...s.unregister, waitersPending: false } }),
  }),
  row({
    input: 'ResolveRuntimeOpsLifecycleDurability',
    from: LIVE_PHASES,
    guards: ['same_session', 'binding_matches'],
    to: 'self',
    summary: 'reports whether the background-operations record is retained or deleted',
    effects: (post) => [
      {
        type: 'RuntimeOpsLifecycleDurabilityResolved',
        action: retains(post) ? 'retain_snapshot' : 'delete_snapshot',
      },
    ],
    emits: ['RuntimeOpsLifecycleDurabilityResolved'],
  }),
  row({
    input: 'UnregisterSession',
    from: LIVE_PHASES,
    guards: ['same_session', 'binding_matches', 'draining', 'obligations_closed'],
    to: ['idle'],
    summary:
      'clears the session, binding, run, registration, silent intents, comms drain and visibility',
    apply: () => ({ ...initialState(), phase: 'idle' }),
    effects: (_post, i, pre) => [
      {
        type: 'SessionUnregistered',
        sessionId: i.sessionId,
        retainSnapshot: pre.unregister.retainSnapshot,
      },
    ],
    emits: ['SessionUnregistered'],
  }),
];
