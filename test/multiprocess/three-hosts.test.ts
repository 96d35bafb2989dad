// Three real `burrow serve --pg` hosts on one PostgreSQL (issue 11), clients sending to random hosts:
// one round of SIGKILL mid-turn (restarted at once) and SIGSTOP mid-turn past the lease (then SIGCONT).
// Every acknowledged input ends in exactly one terminal state, no turn commits twice, every commit came
// from the lease's owner, the paused host's late commit is fenced (or the session given up on waking) and counted, and the interrupted
// turns' inputs run again elsewhere with no client's help. The long run is `npm run test:crash`
// (test/crash/kill-hosts.test.ts).

import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithPg } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { ensureBuilt, killChildren } from '../e2e/support/cli-process.js';
import { runHostsCampaign } from './host-campaign.js';

const SEED = Number(process.env['BURROW_CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 30));

describeWithPg('three burrow serve hosts on one PostgreSQL', (url) => {
  beforeAll(ensureBuilt, 180_000);
  afterEach(killChildren);

  it('survive a host SIGKILLed and another SIGSTOPped past its lease mid-turn: each acknowledged input ends once, no turn commits twice, the late commit is fenced', async () => {
    const result = await runHostsCampaign({ pgUrl: url, seed: SEED, rounds: 1 });
    const story = result.story.join('\n');
    expect(result.report.violations, story).toEqual([]);
    expect(result.clients.unexpected, story).toEqual([]);
    expect(result.clients.unacknowledged, story).toEqual([]);
    expect(result.kills + result.pauses, story).toBe(2);
    // The paused host's late commit was fenced, or it gave the session up on waking (lease guard).
    expect(result.fencedCommits + result.lapsed, story).toBeGreaterThanOrEqual(1);
    // Some runs never committed (the killed and the paused turns), and each ran again elsewhere.
    expect(result.report.uncommitted, story).toBeGreaterThanOrEqual(2);
    expect(result.acks, story).toBeGreaterThan(2);
    process.stderr.write(
      `three hosts: ${result.acks} acknowledged inputs, ${result.report.committed} committed runs, ${result.report.uncommitted} uncommitted, ${result.fencedCommits} fenced, ${result.lapsed} lapsed, ${result.clients.fencedAnswers} 409 fenced answers (seed ${SEED})\n`,
    );
  }, 120_000);
});
