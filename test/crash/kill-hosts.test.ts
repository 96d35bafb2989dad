// The long three-host campaign (issue 11; `npm run test:crash` only, the short one is
// test/multiprocess/three-hosts.test.ts): three `burrow serve --pg` hosts under client load, with
// BURROW_CRASH_ITERATIONS / 4 rounds (at least 2; 14 in `npm run test:crash`), each a SIGKILL mid-turn
// with an immediate restart and a SIGSTOP mid-turn past the lease; the checks of host-checks.ts.
// BURROW_CRASH_SEED replays a run.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, inject, it } from 'vitest';
import { describeWithPg } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { ensureBuilt, killChildren } from '../e2e/support/cli-process.js';
import { runHostsCampaign } from '../multiprocess/host-campaign.js';

const ROUNDS = Math.max(2, Math.ceil(Number(process.env['BURROW_CRASH_ITERATIONS'] ?? 3) / 4));
const SEED = Number(process.env['BURROW_CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 30));

describeWithPg('three burrow serve hosts on one PostgreSQL, many kill points', (url) => {
  beforeAll(ensureBuilt, 180_000);
  afterEach(killChildren);

  it(
    `survive ${ROUNDS} rounds of a host SIGKILLed and another SIGSTOPped mid-turn: each acknowledged input ends once, no turn commits twice, late commits are fenced`,
    async () => {
      const result = await runHostsCampaign({ pgUrl: url, seed: SEED, rounds: ROUNDS });
      const story = result.story.join('\n');
      expect(result.report.violations, story).toEqual([]);
      expect(result.clients.unexpected, story).toEqual([]);
      expect(result.clients.unacknowledged, story).toEqual([]);
      // Most rounds interrupt both turns; one that committed just before its signal does not count.
      expect(result.kills + result.pauses, story).toBeGreaterThanOrEqual(ROUNDS);
      expect(result.fencedCommits + result.lapsed, story).toBeGreaterThanOrEqual(result.pauses);
      const killPoints = result.kills + result.pauses;
      console.log(
        `three-host kill test: ${killPoints} kill points (${result.kills} SIGKILL, ${result.pauses} SIGSTOP), ${result.acks} acknowledged inputs, ${result.report.committed} committed runs, ${result.report.uncommitted} uncommitted, ${result.fencedCommits} fenced commits, ${result.lapsed} leases given up (seed ${SEED})`,
      );
      const tally = inject('crashTallyDir');
      if (tally !== undefined) appendFileSync(join(tally, 'three-hosts.txt'), `${killPoints}\n`);
    },
    60_000 + ROUNDS * 30_000,
  );
});
