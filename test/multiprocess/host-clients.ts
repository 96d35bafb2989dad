// The clients of the three-host test: each posts inputs to random sessions through a random host. Any
// host takes any session's input (a non-owner forwards it to the owner), so the only answers a client
// retries are no answer (a dead host, or a paused one past the request timeout), 429 and 5xx: it sends
// the same input (same id) to another random host, as a realistic client would. Anything else that
// is not 2xx, a 409 fenced included, is unexpected.

import { setTimeout as delay } from 'node:timers/promises';
import type { SeededRandom } from '../crash/seeded-random.js';

/** What the clients share: the hosts' URLs now, and whether to stop. */
export interface ClientFleet {
  urls: string[];
  stopped: boolean;
}

/** An input a host acknowledged (2xx). */
export interface Ack {
  readonly sessionId: string;
  readonly inputId: string;
}

/** What the clients saw. */
export interface ClientLog {
  readonly acks: Ack[];
  /** Answers no realistic client should get (anything but 2xx, 429 and 5xx). */
  readonly unexpected: string[];
  /** Inputs no host acknowledged within the bound. */
  readonly unacknowledged: string[];
  /** Requests answered 409 fenced (also in `unexpected`: a non-owner forwards to the owner). */
  fencedAnswers: number;
}

/** How long one request may take before the client tries another host (a paused host never answers). */
const REQUEST_TIMEOUT_MS = 3_000;
/** How long a client keeps trying one input. */
const GIVE_UP_MS = 60_000;

/** Sends one input until a host acknowledges it; returns false when it gave up or was stopped. */
async function sendUntilAcknowledged(
  fleet: ClientFleet,
  log: ClientLog,
  random: SeededRandom,
  request: { sessionId: string; body: Record<string, unknown> },
): Promise<boolean> {
  const started = Date.now();
  const name = `${request.sessionId}/${String(request.body['inputId'])}`;
  while (Date.now() - started < GIVE_UP_MS) {
    if (fleet.stopped) return false;
    const url = random.pick(fleet.urls);
    const response = await fetch(`${url}/v1/sessions/${request.sessionId}/inputs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch(() => null);
    const text = (await response?.text().catch(() => '')) ?? '';
    if (response !== null && response.status < 300) return true;
    if (response?.status === 409 && text.includes('"fenced"')) log.fencedAnswers += 1;
    if (response !== null && response.status !== 429 && response.status < 500)
      log.unexpected.push(`${name}: ${response.status} ${text.slice(0, 200)}`);
    await delay(random.int(20, 80));
  }
  log.unacknowledged.push(name);
  return false;
}

/**
 * One client: posts inputs (`<name>-<n>`) to random sessions until the fleet stops, each turn's two
 * steps lasting 10 to 60 ms, mostly queued, some steered or merged.
 */
export async function runClient(
  fleet: ClientFleet,
  name: string,
  sessions: readonly string[],
  log: ClientLog,
  random: SeededRandom,
): Promise<void> {
  const policies = ['queue', 'queue', 'queue', 'steer', 'merge'] as const;
  for (let n = 0; !fleet.stopped; n += 1) {
    const sessionId = random.pick(sessions);
    const inputId = `${name}-${n}`;
    const body = {
      kind: 'prompt',
      inputId,
      content: `${inputId} says hello`,
      whenBusy: random.pick(policies),
      metadata: { stepMs: random.int(10, 60) },
    };
    if (await sendUntilAcknowledged(fleet, log, random, { sessionId, body }))
      log.acks.push({ sessionId, inputId });
    await delay(random.int(0, 30));
  }
}

/** Sends one input straight to `url` (the scenario's long turns on a chosen host); true on 2xx. */
export async function sendTo(
  url: string,
  sessionId: string,
  body: Record<string, unknown>,
): Promise<boolean> {
  const response = await fetch(`${url}/v1/sessions/${sessionId}/inputs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'prompt', ...body }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  }).catch(() => null);
  await response?.body?.cancel();
  return response !== null && response.status < 300;
}
