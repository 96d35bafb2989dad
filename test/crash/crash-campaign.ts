// One crash campaign: a database and side file, rounds of "start (recover), load work, SIGKILL at a
// chosen point", then a clean restart that recovers and drains, with the checks after every kill.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from './crash-check.js';
import { checkCrashInvariants } from './crash-check.js';
import { CrashChild } from './crash-harness.js';
import type { CrashMessage } from './crash-protocol.js';
import { killRound } from './kill-points.js';
import type { KillPoint } from './kill-points.js';
import type { SeededRandom } from './seeded-random.js';
import { seededRandom } from './seeded-random.js';

/** The state of one campaign, shared by its rounds. */
export interface Campaign {
  readonly dir: string;
  readonly database: string;
  readonly sideFile: string;
  readonly random: SeededRandom;
  /** Acknowledged inputs: input id to session id. */
  readonly acked: Map<string, string>;
  /** Sessions that may take new inputs (an unregistered one never does again). */
  readonly active: string[];
  nextSession: number;
  /** What happened, round by round: printed when a check fails. */
  readonly story: string[];
}

/** What a finished campaign did. */
export interface CampaignResult {
  readonly killPoints: number;
  readonly final: CheckReport;
}

const dirs = new Set<string>();

/** Creates a campaign in a new temporary directory. */
export async function createCampaign(seed: number): Promise<Campaign> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-crash-'));
  dirs.add(dir);
  return {
    dir,
    database: join(dir, 'runtime.db'),
    sideFile: join(dir, 'runs.jsonl'),
    random: seededRandom(seed),
    acked: new Map(),
    active: [],
    nextSession: 1,
    story: [`seed ${seed}`],
  };
}

/** Removes every campaign directory (afterEach). */
export async function removeCampaignDirs(): Promise<void> {
  const all = [...dirs];
  dirs.clear();
  await Promise.all(all.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Starts a child on the campaign's files; with `recover`, runs `runtime.recover()` first. */
export async function startChild(campaign: Campaign, recover: boolean): Promise<CrashChild> {
  const child = await CrashChild.start(
    campaign.database,
    campaign.sideFile,
    campaign.random.int(1, 2 ** 30),
  );
  if (recover) {
    const report = await child.request({ cmd: 'recover', req: child.nextReq() }, 'recovered');
    if (report.failed.length > 0)
      throw new Error(`recovery failed closed: ${JSON.stringify(report.failed)}`);
  }
  return child;
}

/** Records every acknowledgment the child wrote before it died (read or not when the kill landed). */
function collectAcks(
  campaign: Campaign,
  child: CrashChild,
  mayRefuse: readonly number[] = [],
): CrashMessage[] {
  const failed: CrashMessage[] = [];
  for (const message of child.messages) {
    if (message.type === 'accepted') campaign.acked.set(message.inputId, message.sessionId);
    if (message.type === 'accept_failed' && !mayRefuse.includes(message.req)) failed.push(message);
  }
  return failed;
}

function describeFailure(campaign: Campaign, violations: readonly string[]): string {
  return [
    ...campaign.story,
    `files: ${campaign.dir}`,
    ...violations.slice(0, 30),
    violations.length > 30 ? `... ${violations.length - 30} more` : '',
  ].join('\n');
}

async function checkOrThrow(campaign: Campaign, final: boolean): Promise<CheckReport> {
  const report = await checkCrashInvariants(
    campaign.database,
    campaign.sideFile,
    campaign.acked,
    final,
  );
  if (report.violations.length > 0)
    throw new Error(`crash invariants violated\n${describeFailure(campaign, report.violations)}`);
  return report;
}

/**
 * Runs `rounds` kill rounds of kind `point`, then restarts, recovers and drains, and checks. Each
 * kill is followed by a check of what must hold even before recovery (nothing acknowledged lost,
 * nothing committed twice, the transcript exact); the final check also wants every input terminal.
 */
export async function runCampaign(
  campaign: Campaign,
  point: KillPoint,
  rounds: number,
): Promise<CampaignResult> {
  for (let round = 0; round < rounds; round += 1) {
    const child = await startChild(campaign, false);
    let mayRefuse: readonly number[] = [];
    try {
      mayRefuse = await killRound(campaign, child, point, round > 0);
    } finally {
      await child.kill();
    }
    const refused = collectAcks(campaign, child, mayRefuse);
    if (refused.length > 0)
      throw new Error(`accepts refused: ${JSON.stringify(refused)}\n${campaign.story.join('\n')}`);
    await checkOrThrow(campaign, false);
  }
  const child = await startChild(campaign, true);
  const drained = await child.request({ cmd: 'drain', req: child.nextReq() }, 'drained');
  if (drained.violations.length > 0)
    throw new Error(`invariants after recovery: ${describeFailure(campaign, drained.violations)}`);
  await child.request({ cmd: 'close', req: child.nextReq() }, 'closed');
  await child.exitCleanly();
  collectAcks(campaign, child);
  return { killPoints: rounds, final: await checkOrThrow(campaign, true) };
}
