// Conformance: the ingress mailbox (issue 11): post, take by lease, answer, read, withdraw, prune.

import { describe, expect, it } from 'vitest';
import type { MailboxMethods, MailboxRequest, RuntimeId, RuntimeStore } from '../runtime-store.js';
import { runtimeIdOf } from '../runtime-store.js';
import type { HarnessContext } from './harness.js';

const RT = runtimeIdOf('s1');
const TTL = 1_000;

function mailboxOf(store: RuntimeStore): MailboxMethods {
  if (store.mailbox === undefined || store.claim === undefined) {
    throw new Error(`the ${store.kind} store does not implement the mailbox and leases`);
  }
  return store.mailbox;
}

function request(requestId: string, runtimeId = RT): MailboxRequest {
  return {
    requestId,
    runtimeId,
    fromHost: 'host-b',
    body: { op: 'retire', n: requestId },
    postedAt: 10,
  };
}

/** Registers the mailbox cases (for stores that implement the mailbox and leases). */
export function mailboxCases(ctx: HarnessContext): void {
  const claim = (runtimeId: RuntimeId, host: string, now: number) =>
    ctx.store.claim?.(runtimeId, host, TTL, now) ?? Promise.resolve(null);
  const ids = (requests: readonly MailboxRequest[]) => requests.map((r) => r.requestId);

  describe('mailbox', () => {
    it('gives the owner the requests of its sessions once, oldest first, and their posters the answers', async () => {
      const mailbox = mailboxOf(ctx.store);
      expect(await claim(RT, 'host-a', 0)).toBe(1);
      expect(await claim(runtimeIdOf('s2'), 'host-c', 0)).toBe(1);
      await mailbox.post(request('r1'));
      await mailbox.post(request('other', runtimeIdOf('s2')));
      await mailbox.post(request('r2'));
      expect(await mailbox.depth()).toBe(3);
      expect(await mailbox.read('r1')).toEqual({ answer: null, taken: false });

      const taken = await mailbox.take('host-a', 5, 10);
      expect(taken).toEqual([request('r1'), request('r2')]);
      expect(await mailbox.take('host-a', 5, 10)).toEqual([]);
      expect(await mailbox.read('r1')).toEqual({ answer: null, taken: true });
      expect(await mailbox.withdraw('r1')).toBe(false);

      await mailbox.answer('r1', { ok: true, value: null }, 6);
      await mailbox.answer('r1', { ok: false }, 7);
      expect(await mailbox.read('r1')).toEqual({ answer: { ok: true, value: null }, taken: true });
      expect(await mailbox.depth()).toBe(2);
      await mailbox.remove('r1');
      expect(await mailbox.read('r1')).toBeNull();
    });

    it('takes nothing for an expired lease, and takes again what an earlier owner took and never answered', async () => {
      const mailbox = mailboxOf(ctx.store);
      expect(await claim(RT, 'host-a', 0)).toBe(1);
      await mailbox.post(request('r1'));
      expect(ids(await mailbox.take('host-a', TTL, 10))).toEqual([]);
      expect(ids(await mailbox.take('host-a', 0, 10))).toEqual(['r1']);
      // host-a dies with r1 taken; host-b claims the expired lease and takes r1 again.
      expect(await claim(RT, 'host-b', TTL)).toBe(2);
      expect(ids(await mailbox.take('host-a', TTL, 10))).toEqual([]);
      expect(ids(await mailbox.take('host-b', TTL, 10))).toEqual(['r1']);
      expect(ids(await mailbox.take('host-b', TTL, 10))).toEqual([]);
    });

    it('withdraws a request no owner took, and prunes answers nobody read and requests nobody answered', async () => {
      const mailbox = mailboxOf(ctx.store);
      await mailbox.post(request('r1'));
      await mailbox.post(request('r2'));
      expect(await mailbox.withdraw('r1')).toBe(true);
      expect(await mailbox.read('r1')).toBeNull();
      expect(await claim(RT, 'host-a', 0)).toBe(1);
      expect(ids(await mailbox.take('host-a', 0, 10))).toEqual(['r2']);
      await mailbox.answer('r2', { ok: true, value: 1 }, 100);
      await mailbox.post({ ...request('r3'), postedAt: 200 });
      expect(await mailbox.prune(100)).toBe(0);
      expect(await mailbox.prune(101)).toBe(1);
      expect(await mailbox.read('r2')).toBeNull();
      expect(await mailbox.depth()).toBe(1);
      expect(await mailbox.prune(200)).toBe(0);
      expect(await mailbox.prune(201)).toBe(1);
      expect(await mailbox.depth()).toBe(0);
    });
  });
}
