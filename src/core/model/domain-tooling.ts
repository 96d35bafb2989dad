// The fixed inputs of the model checker's `tooling` scenario (see core/model/domain.ts): every comms-drain,
// silent-intent and visibility input over its full domain, with the lifecycle inputs that interact with them.

import type { MachineInput } from '../machine/inputs.js';

const T1 = { name: 't1', provenance: 'builtin' };
const T2 = { name: 't2', provenance: 'mcp:docs' };

/** The fixed inputs of the `tooling` scenario: comms drain, silent intents, visibility, and the lifecycle around them. */
export const TOOLING_FIXED: readonly MachineInput[] = [
  { type: 'Initialize' },
  { type: 'RegisterSession', sessionId: 's1' },
  { type: 'EnsureSessionWithExecutor', sessionId: 's1' },
  { type: 'Prepare', sessionId: 's1', runId: 'r1' },
  { type: 'RunCompleted', runId: 'r1' },
  { type: 'Commit', runId: 'r1' },
  { type: 'Retire', sessionId: 's1' },
  { type: 'Reset' },
  { type: 'Recycle' },
  { type: 'StopRuntimeExecutor', reason: 'stop' },
  { type: 'RuntimeExecutorExited' },
  { type: 'RuntimeExecutorLost', reason: 'lost' },
  { type: 'Destroy', sessionId: 's1' },
  { type: 'RuntimeLoopStoppedForUnregister', sessionId: 's1' },
  { type: 'CommsDrainExitedForUnregister', sessionId: 's1' },
  { type: 'CompletionWaitersResolvedForUnregister', sessionId: 's1' },
  { type: 'SetSilentIntents', sessionId: 's1', intents: ['quiet'] },
  { type: 'SetSilentIntents', sessionId: 's1', intents: [] },
  { type: 'SetSilentIntents', sessionId: 's2', intents: [] },
  { type: 'SpawnDrain', mode: 'timed' },
  { type: 'SpawnDrain', mode: 'persistent_host' },
  { type: 'StopDrain' },
  { type: 'NotifyDrainExited', reason: 'completed' },
  { type: 'NotifyDrainExited', reason: 'failed' },
  { type: 'ReplaceToolCatalog', tools: [] },
  { type: 'ReplaceToolCatalog', tools: [T2, T1] },
  { type: 'ReplaceToolCatalog', tools: [T1, { name: 't1', provenance: 'other' }] },
  { type: 'StagePersistentFilter', filter: { type: 'all' } },
  { type: 'StagePersistentFilter', filter: { type: 'allow', names: ['t1'] } },
  { type: 'StagePersistentFilter', filter: { type: 'deny', names: ['t3'] } },
  { type: 'RequestDeferredTools', names: ['t2'] },
  { type: 'RequestDeferredTools', names: ['t3'] },
  {
    type: 'PublishCommittedVisibleSet',
    active: { revision: 0, filter: { type: 'all' }, deferred: [] },
    staged: { revision: 1, filter: { type: 'allow', names: ['t1'] }, deferred: [] },
  },
  {
    type: 'PublishCommittedVisibleSet',
    active: { revision: 1, filter: { type: 'all' }, deferred: [] },
    staged: { revision: 1, filter: { type: 'allow', names: ['t1'] }, deferred: [] },
  },
  {
    type: 'PublishCommittedVisibleSet',
    active: { revision: 2, filter: { type: 'all' }, deferred: [] },
    staged: { revision: 1, filter: { type: 'all' }, deferred: [] },
  },
];
