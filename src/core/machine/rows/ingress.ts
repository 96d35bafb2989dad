// Transition rows: admission-side inputs, silent intents, transcript-edit admission, the comms drain.

import type { TransitionRow } from '../row.js';
import { LIVE_PHASES, row } from '../row.js';
import type { MachineEffect, PostAdmissionSignalKind } from '../effects.js';
import type { InputOf } from '../inputs.js';
import type { MachineState } from '../state.js';
import { normaliseNames } from '../../tool-visibility.js';

/**
 * The post-admission signal (02): an idle or attached session is woken when the input asks to wake;
 * a running session only for an immediate interrupt or one that may interrupt a yielding turn
 * (steer inputs reach a running turn at its boundary; queued work drains after the turn anyway).
 */
export function admissionSignal(
  state: MachineState,
  input: InputOf<'AcceptInput'>,
): PostAdmissionSignalKind | null {
  if (input.withoutWake) return null;
  if (state.phase === 'running') {
    if (input.requestImmediate) return 'immediate';
    if (input.interruptYielding) return 'interrupt_yielding';
    return null;
  }
  return input.wakeIfIdle || input.requestImmediate || input.interruptYielding ? 'wake' : null;
}

/** Rows for admission, silent intents, transcript edits and the comms drain. */
export const INGRESS_ROWS: readonly TransitionRow[] = [
  row({
    input: 'AcceptInput',
    from: ['idle', 'attached', 'running'],
    guards: ['registered', 'not_draining', 'not_retiring'],
    to: 'self',
    summary:
      'records the admission; emits at most one post-admission signal (refused once retire returned, even while the last run finishes)',
    effects: (post, i) => {
      const signal = admissionSignal(post, i);
      const effects: MachineEffect[] = [{ type: 'IngressAccepted', inputId: i.inputId }];
      if (signal !== null) effects.push({ type: 'PostAdmissionSignal', signal });
      return effects;
    },
    emits: ['IngressAccepted', 'PostAdmissionSignal'],
  }),
  row({
    input: 'SetSilentIntents',
    from: ['idle', 'attached', 'running', 'retired'],
    guards: ['same_session'],
    to: 'self',
    summary: 'replaces the silent-intent set',
    apply: (s, i) => ({ ...s, silentIntents: normaliseNames(i.intents) }),
  }),
  row({
    input: 'SetSilentIntents',
    from: ['stopped'],
    guards: ['same_session'],
    to: 'self',
    summary: 'accepted with no change (a stopped session takes no input)',
  }),
  row({
    input: 'ResolveTranscriptEditAdmission',
    from: ['idle', 'attached', 'running'],
    guards: ['registered'],
    to: 'self',
    summary:
      'denied_busy when a turn runs or inputs are active, else admissible (callers deny on refusal)',
    effects: (_p, i) => [
      {
        type: 'TranscriptEditAdmissionResolved',
        verdict: i.runtimeRunning || i.hasActiveInputs ? 'denied_busy' : 'admissible',
      },
    ],
    emits: ['TranscriptEditAdmissionResolved'],
  }),
  row({
    input: 'SpawnDrain',
    from: ['idle', 'attached', 'running', 'retired'],
    guards: ['registered', 'not_draining', 'drain_spawnable'],
    to: 'self',
    summary: 'starts the comms drain task in the given mode',
    apply: (s, i) => ({ ...s, commsDrain: { status: 'running', mode: i.mode } }),
    effects: (_p, i) => [{ type: 'SpawnDrainTask', mode: i.mode }],
    emits: ['SpawnDrainTask'],
  }),
  row({
    input: 'StopDrain',
    from: ['idle'],
    guards: ['unregistered'],
    to: 'self',
    summary: 'a late stop after unregister: explicit no-op',
  }),
  row({
    input: 'StopDrain',
    from: LIVE_PHASES,
    guards: ['drain_running'],
    to: 'self',
    summary: 'stops the comms drain task',
    apply: (s) => ({ ...s, commsDrain: { ...s.commsDrain, status: 'stopped' } }),
    effects: () => [{ type: 'StopDrainTask' }],
    emits: ['StopDrainTask'],
  }),
  row({
    input: 'NotifyDrainExited',
    from: LIVE_PHASES,
    guards: ['drain_running'],
    to: 'self',
    summary:
      'the drain task exited: stopped, or exited_respawnable when a persistent-host drain failed',
    apply: (s, i) => ({
      ...s,
      commsDrain: {
        ...s.commsDrain,
        status:
          s.commsDrain.mode === 'persistent_host' && i.reason === 'failed'
            ? 'exited_respawnable'
            : 'stopped',
      },
    }),
  }),
  row({
    input: 'NotifyDrainExited',
    from: LIVE_PHASES,
    guards: ['drain_not_running'],
    to: 'self',
    summary: 'a late exit notice for a drain already stopped (or after unregister): explicit no-op',
  }),
];
