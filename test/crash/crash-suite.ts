// The crash test of one kill point (04, "Recovery"): campaigns of SIGKILLs against a real child
// process until the kill point was hit BURROW_CRASH_ITERATIONS times, each campaign ending with a
// restart, recovery and drain, and the checks of crash-check.ts from the store and the side file.
//
// BURROW_CRASH_ITERATIONS: kill points per kind (default 3, for `npm test`; `npm run test:crash`
// runs 55). BURROW_CRASH_SEED replays a run (a failing campaign prints its seed).
// BURROW_CRASH_VERBOSE prints every campaign's story and counts.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createCampaign, removeCampaignDirs, runCampaign } from './crash-campaign.js';
import { killAllChildren } from './crash-harness.js';
import type { KillPoint } from './kill-points.js';
import { KILL_POINTS } from './kill-points.js';

const PER_POINT = Math.max(1, Number(process.env['BURROW_CRASH_ITERATIONS'] ?? 3));
const BASE_SEED = Number(process.env['BURROW_CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 30));

const NAMES: Record<KillPoint, string> = {
  after_accept: 'right after an accept was acknowledged',
  mid_turn: 'in the middle of a turn the executor holds open',
  after_commit: 'after a turn committed but before its completion settled',
  during_unregister: 'while a session with a turn in flight is being unregistered',
};

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the crash config's global setup: where each file adds its count of kill points. */
    crashTallyDir?: string;
  }
}

/** Defines the crash test of `point` (one test file per kill point, so they run in parallel). */
export function defineCrashSuite(point: KillPoint): void {
  let killPoints = 0;

  afterEach(async () => {
    await killAllChildren();
    await removeCampaignDirs();
  });

  afterAll(() => {
    console.log(`crash tests, ${point}: ${killPoints} kill points (base seed ${BASE_SEED})`);
    const dir = inject('crashTallyDir');
    if (dir !== undefined) appendFileSync(join(dir, `${point}.txt`), `${killPoints}\n`);
  });

  describe(`a runtime killed with SIGKILL ${NAMES[point]} and recovered from SQLite`, () => {
    it(
      'ends every acknowledged input in exactly one terminal state and never re-runs a committed turn',
      async () => {
        let campaigns = 0;
        while (killPoints < PER_POINT) {
          const seed = BASE_SEED + KILL_POINTS.indexOf(point) * 1_000_003 + campaigns;
          campaigns += 1;
          const campaign = await createCampaign(seed);
          const rounds = Math.min(PER_POINT - killPoints, campaign.random.int(1, 3));
          const result = await runCampaign(campaign, point, rounds);
          expect(result.final.violations).toEqual([]);
          expect(result.final.inputs).toBeGreaterThanOrEqual(campaign.acked.size);
          if (process.env['BURROW_CRASH_VERBOSE'] !== undefined)
            console.log([...campaign.story, JSON.stringify(result.final)].join('\n'));
          killPoints += result.killPoints;
          await removeCampaignDirs();
        }
      },
      60_000 + PER_POINT * 15_000,
    );
  });
}
