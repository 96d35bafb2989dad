// Ingress from any host (issue 11, item 3): an input sent to a host that does not own the session is
// admitted by the owner with its live view and answered exactly as the owner would answer it, for
// every whenBusy policy; a duplicate sent through several hosts at once is admitted once.

import { expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import { WHEN_BUSY } from '../../src/core/input-kinds.js';
import type { InputOutcome } from '../../src/core/ledger/input-record.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { describeWithPg } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { createHold, until, useIngressHosts } from './ingress-fixture.js';

/** Sends the policy sequence through `via` to session `id` that `owner` runs; what the client saw. */
async function policySequence(owner: Runtime, via: Runtime, id: string): Promise<unknown[]> {
  const hold = createHold();
  hold.close();
  await owner.registerSessionWithExecutor(id, hold.executor);
  const seen: unknown[] = [];
  const completions: Promise<InputOutcome>[] = [];
  const first = await via.acceptInput(id, { kind: 'prompt', content: 'first' });
  completions.push(first.completion);
  await until(async () => (await owner.snapshot(id)).run !== null, 'the first turn to run');
  for (const whenBusy of WHEN_BUSY) {
    try {
      const accepted = await via.acceptInput(
        id,
        { kind: 'prompt', content: whenBusy },
        { whenBusy },
      );
      seen.push({ whenBusy, status: accepted.status, decision: accepted.decision });
      completions.push(accepted.completion);
    } catch (error: unknown) {
      seen.push({ whenBusy, refused: isBurrowError(error) ? error.code : String(error) });
    }
  }
  hold.open();
  for (const completion of completions) seen.push((await completion).status);
  seen.push((await owner.getTranscript(id)).map((message) => message.message));
  return seen;
}

describeWithPg('ingress from a host that does not own the session', (url) => {
  const hosts = useIngressHosts(url);

  it('answers every whenBusy policy through a non-owner exactly as the owner answers it', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    const local = await policySequence(a, a, 'here');
    const forwarded = await policySequence(a, b, 'there');
    expect(forwarded).toEqual(local);
    expect(local).toContainEqual({ whenBusy: 'reject', refused: 'session_busy' });
    // B forwarded, A answered, and B neither claimed nor opened the session.
    expect(b.diagnostics().ownership).toMatchObject({ claims: 0, mailboxForwarded: 7 });
    expect(a.diagnostics().ownership).toMatchObject({ mailboxAnswered: 7, mailboxDepth: 0 });
    expect(b.diagnostics().sessions).toEqual([]);
  });

  it('admits a duplicate sent through three hosts at once exactly once', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    const c = await hosts.host('host-c');
    const hold = createHold();
    await a.registerSessionWithExecutor('s1', hold.executor);
    const send = (rt: Runtime) =>
      rt.acceptInput('s1', { kind: 'prompt', content: 'once' }, { idempotencyKey: 'k1' });
    const answers = await Promise.all([send(a), send(b), send(c), send(b), send(c)]);
    expect(answers.filter((answer) => answer.status === 'accepted')).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.inputId)).size).toBe(1);
    const outcomes = await Promise.all(answers.map((answer) => answer.completion));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('completed'));
    const observer = await hosts.openStore();
    const stored = await observer.load(runtimeIdOf('s1'));
    expect(stored?.inputs.map((input) => input.header.idempotencyKey)).toEqual(['k1']);
  });
});
