// The kill points: how one round loads work into a child and where it SIGKILLs it.
//
// What each kill can prove, and what it cannot:
// - after_accept: the child wrote the acknowledgment only after `acceptInput` resolved, so the input
//   must be in the store. The random delay lets the kill land anywhere after it (mid-turn, between
//   a turn's commit and its completion, in another session's accept): it samples, it does not aim.
// - mid_turn: the executor holds the turn open, so the kill is certainly inside a turn whose commit
//   has not started. Proves the turn is re-run after recovery (attempt counts aside) and that none
//   of its messages reach the transcript.
// - after_commit: the child freezes (blocks its event loop) either in the store wrapper right after
//   `commit` resolved (durable, not yet installed in memory) or in an event listener on
//   `run.completed` (installed, completions not yet settled). Proves recovery trusts the store: a
//   committed turn is never re-run although no caller heard of it. It cannot prove anything about a
//   kill inside SQLite's COMMIT itself (that is SQLite's atomicity, sampled by test/store), nor that
//   the caller learns the outcome: that caller is gone and must read it back with `getInput`.
// - during_unregister: a session with a held turn (and maybe queued inputs) is unregistered; the
//   kill lands after a random delay, or frozen right after the cancelled turn's commit, after the
//   `run.cancelled` event, or after the final unregister commit. Proves unregister is never half
//   done: the inputs end cancelled, unregistered, or (when the kill beat the commits) run after
//   recovery — each exactly once.

import { setTimeout as delay } from 'node:timers/promises';
import type { Campaign } from './crash-campaign.js';
import type { CrashChild } from './crash-harness.js';
import type { CrashMessage } from './crash-protocol.js';
import type { SeededRandom } from './seeded-random.js';

/** Where a round kills its child. */
export type KillPoint = 'after_accept' | 'mid_turn' | 'after_commit' | 'during_unregister';

/** Every kill point, in the order the tests run them. */
export const KILL_POINTS: readonly KillPoint[] = [
  'after_accept',
  'mid_turn',
  'after_commit',
  'during_unregister',
];

/** A random pause before a kill: it picks the kill point, never the outcome. */
function killDelay(random: SeededRandom): Promise<void> {
  return delay(random.pick([0, 0, 0, 1, 2, 3, 5, 10, 20]));
}

interface Work {
  /** Sessions that get new inputs this round (registered, each at least one input). */
  readonly targets: readonly string[];
  readonly accepts: readonly { readonly sessionId: string; readonly content: string }[];
}

/** Picks sessions (creating some) and registers them; the inputs are planned, not yet sent. */
async function prepareWork(campaign: Campaign, child: CrashChild): Promise<Work> {
  const { random } = campaign;
  const fresh = campaign.active.length === 0 ? random.int(1, 3) : random.int(0, 2);
  for (let i = 0; i < fresh; i += 1) campaign.active.push(`s${campaign.nextSession++}`);
  const targets = random
    .shuffle(campaign.active)
    .slice(0, random.int(1, Math.min(3, campaign.active.length)));
  // Idempotent for sessions the recovery already attached; registers the others from the store.
  await child.request({ cmd: 'register', req: child.nextReq(), sessionIds: targets }, 'registered');
  const accepts = random.shuffle(
    targets.flatMap((sessionId) =>
      Array.from({ length: random.int(1, 4) }, (_, i) => ({
        sessionId,
        content: `${sessionId}#${i}`,
      })),
    ),
  );
  return { targets, accepts };
}

/** Sends every planned input at once, without waiting for the acknowledgments. */
function sendWork(child: CrashChild, work: Work): void {
  for (const { sessionId, content } of work.accepts)
    child.send({ cmd: 'accept', req: child.nextReq(), sessionId, content });
}

/** Prepares and sends the round's inputs. */
async function loadWork(campaign: Campaign, child: CrashChild): Promise<Work> {
  const work = await prepareWork(campaign, child);
  sendWork(child, work);
  return work;
}

/** Waits for the `n`-th message from `from` on that satisfies `predicate`, calling `each` on earlier ones. */
async function nth(
  child: CrashChild,
  n: number,
  predicate: (m: CrashMessage) => boolean,
  label: string,
  from: number,
  each: (m: CrashMessage) => void = () => undefined,
): Promise<CrashMessage> {
  let cursor = from;
  for (let i = 1; ; i += 1) {
    const message = await child.waitFor(predicate, label, cursor);
    cursor = child.messages.indexOf(message, cursor) + 1;
    if (i === n) return message;
    each(message);
  }
}

/**
 * The kill must land before the frozen run's completions settled: the child reports an outcome as
 * soon as a completion settles, so none may be in its output for the run's inputs.
 */
function assertUnsettled(child: CrashChild, paused: CrashMessage): void {
  if (paused.type !== 'paused' || paused.runId === null) throw new Error('paused without a run');
  const runId = paused.runId;
  const started = child.messages.find((m) => m.type === 'turn_started' && m.runId === runId);
  if (started?.type !== 'turn_started') throw new Error(`frozen run ${runId} never started`);
  const settled = child.messages.filter(
    (m) => m.type === 'outcome' && started.inputIds.includes(m.inputId),
  );
  if (settled.length > 0)
    throw new Error(`run ${runId} settled before the hook: ${JSON.stringify(settled)}`);
}

/**
 * Runs one round of kind `point` on `child` and leaves it killed. Returns the requests of accepts
 * that may be refused (inputs sent to a session while it is being unregistered).
 */
export async function killRound(
  campaign: Campaign,
  child: CrashChild,
  point: KillPoint,
  recover: boolean,
): Promise<readonly number[]> {
  const { random, story } = campaign;
  const hold = point === 'mid_turn' || point === 'during_unregister';
  // Before recovery, so recovered turns are held too (and can be the ones killed mid-turn).
  child.send({ cmd: 'mode', hold });
  // Counted from before recovery: a recovered turn that is held counts as its session's turn.
  const from = child.messages.length;
  if (recover) {
    const report = await child.request({ cmd: 'recover', req: child.nextReq() }, 'recovered');
    if (report.failed.length > 0)
      throw new Error(`recovery failed closed: ${JSON.stringify(report.failed)}`);
  }
  const releaseSometimes = (m: CrashMessage): void => {
    if (m.type === 'turn_started' && random.chance(0.5))
      child.send({ cmd: 'release', runId: m.runId });
  };
  let mayRefuse: readonly number[] = [];
  switch (point) {
    case 'after_accept': {
      const work = await loadWork(campaign, child);
      const n = random.int(1, work.accepts.length);
      story.push(
        `after_accept: ${work.targets.join(',')} with ${work.accepts.length} inputs, kill after ack ${n}`,
      );
      await nth(child, n, (m) => m.type === 'accepted', `acknowledgment ${n}`, from);
      await killDelay(random);
      break;
    }
    case 'mid_turn': {
      const work = await loadWork(campaign, child);
      // Every target starts at least one turn, so the n-th start comes.
      const n = random.int(1, work.targets.length);
      story.push(
        `mid_turn: ${work.targets.join(',')} with ${work.accepts.length} inputs, kill in turn ${n}`,
      );
      const isStart = (m: CrashMessage): boolean => m.type === 'turn_started';
      await nth(child, n, isStart, `turn ${n}`, from, releaseSometimes);
      await killDelay(random);
      break;
    }
    case 'after_commit': {
      const work = await prepareWork(campaign, child);
      const hook = random.pick(['store', 'event'] as const);
      // Each target commits at least one turn, so the (skip + 1)-th commit comes. Set before the
      // inputs are sent: no commit of theirs can happen before the hook is armed.
      const skip = random.int(0, work.targets.length - 1);
      const at = child.messages.length;
      child.send({
        cmd: 'pause_at',
        hook,
        match: hook === 'store' ? { receipt: 'any' } : { eventType: 'run.completed' },
        skip,
      });
      sendWork(child, work);
      story.push(
        `after_commit (${hook}, skip ${skip}): ${work.targets.join(',')} with ${work.accepts.length} inputs`,
      );
      const paused = await child.waitFor((m) => m.type === 'paused', `pause at ${hook}`, at);
      assertUnsettled(child, paused);
      break;
    }
    case 'during_unregister':
      mayRefuse = await unregisterRound(campaign, child, from, releaseSometimes);
      break;
  }
  await child.kill();
  return mayRefuse;
}

async function unregisterRound(
  campaign: Campaign,
  child: CrashChild,
  from: number,
  releaseSometimes: (m: CrashMessage) => void,
): Promise<readonly number[]> {
  const { random, story } = campaign;
  const work = await loadWork(campaign, child);
  const victim = work.targets[0] as string;
  campaign.active.splice(campaign.active.indexOf(victim), 1);
  const victimStarted = (m: CrashMessage): boolean =>
    m.type === 'turn_started' && m.sessionId === victim;
  // Release other sessions' turns now and then, never the victim's: its turn is held at the kill.
  await nth(child, 1, victimStarted, `a turn of ${victim}`, from);
  for (const m of child.messages.slice(from)) if (!victimStarted(m)) releaseSometimes(m);
  const queued = random.int(0, 2);
  const late: number[] = [];
  for (let i = 0; i < queued; i += 1) {
    const req = child.nextReq();
    late.push(req);
    child.send({ cmd: 'accept', req, sessionId: victim, content: `late#${i}` });
  }
  const variant = random.pick([
    'delay',
    'cancel_commit',
    'cancel_event',
    'unregister_commit',
  ] as const);
  story.push(
    `during_unregister (${variant}): ${victim} of ${work.targets.join(',')}, ${queued} late`,
  );
  if (variant === 'cancel_commit')
    child.send({
      cmd: 'pause_at',
      hook: 'store',
      match: { sessionId: victim, receipt: 'cancelled' },
      skip: 0,
    });
  if (variant === 'cancel_event')
    child.send({
      cmd: 'pause_at',
      hook: 'event',
      match: { sessionId: victim, eventType: 'run.cancelled' },
      skip: 0,
    });
  if (variant === 'unregister_commit')
    child.send({
      cmd: 'pause_at',
      hook: 'store',
      match: { sessionId: victim, eventType: 'session.unregistered' },
      skip: 0,
    });
  const req = child.nextReq();
  const at = child.messages.length;
  child.send({ cmd: 'unregister', req, sessionId: victim });
  if (variant === 'delay') {
    await child.waitFor((m) => m.type === 'unregister_started' && m.req === req, 'unregister', at);
    await killDelay(random);
  } else {
    const stop = await child.waitFor(
      (m) => m.type === 'paused' || (m.type === 'unregistered' && m.req === req),
      `pause during unregister (${variant})`,
      at,
    );
    if (stop.type !== 'paused') throw new Error(`unregister finished without reaching ${variant}`);
  }
  return late;
}
