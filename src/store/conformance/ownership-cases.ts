// Conformance: leases (claim, renew, release) and fenced commits.

import { describe, expect, it } from 'vitest';
import type { FenceToken, RuntimeId, RuntimeStore } from '../runtime-store.js';
import type { HarnessContext } from './harness.js';
import { expectBurrowError } from './harness.js';
import { boundLifecycle, input, lifecycle, messages } from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');
const TTL = 1_000;

type Leases = Required<Pick<RuntimeStore, 'claim' | 'renew' | 'release'>>;

function leases(store: RuntimeStore): Leases {
  if (store.claim === undefined || store.renew === undefined || store.release === undefined) {
    throw new Error(`the ${store.kind} store does not implement claim, renew and release`);
  }
  return {
    claim: (...args) => store.claim?.(...args) ?? Promise.resolve(null),
    renew: (...args) => store.renew?.(...args) ?? Promise.resolve([]),
    release: (...args) => store.release?.(...args) ?? Promise.resolve(),
  };
}

/** Registers the ownership cases (for stores that implement leases). */
export function ownershipCases(ctx: HarnessContext): void {
  const claim = (runtimeId: RuntimeId, host: string, now: number): Promise<FenceToken | null> =>
    leases(ctx.store).claim(runtimeId, host, TTL, now);

  describe('ownership', () => {
    it('grants a free lease with fence token 1 and refuses another host until it expires', async () => {
      expect(await claim(RT, 'host-a', 0)).toBe(1);
      expect(await claim(RT, 'host-b', 500)).toBeNull();
      expect(await claim(RT, 'host-b', TTL - 1)).toBeNull();
      expect(await claim(RT, 'host-b', TTL)).toBe(2);
      expect(await claim(RT, 'host-a', TTL + 1)).toBeNull();
    });

    it('hands an unexpired lease over only from the owner the caller names, and reports the owner', async () => {
      expect(await claim(RT, 'host-a', 0)).toBe(1);
      expect(await ctx.store.owner?.(RT)).toEqual({ hostId: 'host-a', expiresAt: TTL });
      expect(await ctx.store.claim?.(RT, 'host-b', TTL, 10, 'host-z')).toBeNull();
      expect(await ctx.store.claim?.(RT, 'host-b', TTL, 10, 'host-a')).toBe(2);
      expect(await ctx.store.owner?.(RT)).toEqual({ hostId: 'host-b', expiresAt: 10 + TTL });
      expect(await ctx.store.owner?.(runtimeIdOf('never'))).toBeNull();
    });

    it('claims many sessions at once, with the rules of claim for each', async () => {
      expect(await claim(runtimeIdOf('taken'), 'host-b', 0)).toBe(1);
      expect(
        await ctx.store.claimMany?.(
          [runtimeIdOf('free'), runtimeIdOf('taken'), RT],
          'host-a',
          TTL,
          10,
        ),
      ).toEqual([1, null, 1]);
      expect(await ctx.store.owner?.(runtimeIdOf('free'))).toEqual({
        hostId: 'host-a',
        expiresAt: 10 + TTL,
      });
    });

    it('lets the owner claim again, which increments the fence token', async () => {
      expect(await claim(RT, 'host-a', 0)).toBe(1);
      expect(await claim(RT, 'host-a', 10)).toBe(2);
    });

    it("renews every unexpired lease of the host and no other host's", async () => {
      const { renew } = leases(ctx.store);
      await claim(runtimeIdOf('a1'), 'host-a', 0);
      await claim(runtimeIdOf('a2'), 'host-a', 0);
      await claim(runtimeIdOf('b1'), 'host-b', 0);
      expect([...(await renew('host-a', TTL, 900))].sort()).toEqual([
        runtimeIdOf('a1'),
        runtimeIdOf('a2'),
      ]);
      expect(await claim(runtimeIdOf('a1'), 'host-c', 1_500)).toBeNull();
      expect(await claim(runtimeIdOf('a2'), 'host-c', 1_500)).toBeNull();
      expect(await claim(runtimeIdOf('b1'), 'host-c', 1_500)).toBe(2);
      expect(await claim(runtimeIdOf('a1'), 'host-c', 1_900)).toBe(2);
    });

    it('does not revive an expired lease on renew: the host must claim again', async () => {
      await claim(RT, 'host-a', 0);
      expect(await leases(ctx.store).renew('host-a', TTL, TTL + 5)).toEqual([]);
      expect(await claim(RT, 'host-b', TTL + 10)).toBe(2);
    });

    it("returns exactly the leases renewed: not an expired one, nor one another host claimed, nor another host's", async () => {
      const { renew } = leases(ctx.store);
      await claim(runtimeIdOf('early'), 'host-a', 0);
      await claim(runtimeIdOf('taken'), 'host-a', 0);
      await claim(runtimeIdOf('late'), 'host-a', 500);
      await claim(runtimeIdOf('other'), 'host-b', 500);
      // 'early' and 'taken' expire at TTL; host B claims 'taken' once it has.
      expect(await claim(runtimeIdOf('taken'), 'host-b', TTL)).toBe(2);
      expect(await renew('host-a', TTL, TTL + 100)).toEqual([runtimeIdOf('late')]);
      expect(await ctx.store.owner?.(runtimeIdOf('early'))).toEqual({
        hostId: 'host-a',
        expiresAt: TTL,
      });
      expect(await ctx.store.owner?.(runtimeIdOf('late'))).toEqual({
        hostId: 'host-a',
        expiresAt: 2 * TTL + 100,
      });
      expect(await renew('host-c', TTL, TTL + 100)).toEqual([]);
    });

    it('frees the lease on release by its owner only, and keeps the fence token rising', async () => {
      const { release } = leases(ctx.store);
      await claim(RT, 'host-a', 0);
      await release(RT, 'host-b');
      expect(await claim(RT, 'host-b', 10)).toBeNull();
      await release(RT, 'host-a');
      expect(await claim(RT, 'host-b', 20)).toBe(2);
    });

    it('does not make a session loadable by claiming it', async () => {
      await claim(RT, 'host-a', 0);
      expect(await ctx.store.load(RT)).toBeNull();
      expect(await ctx.store.listRecoverable()).toEqual([]);
    });
  });

  describe('fenced commits', () => {
    it('writes nothing and reports fenced when the fence is stale', async () => {
      const stale = await claim(RT, 'host-a', 0);
      await ctx.store.commit(
        RT,
        { lifecycle: lifecycle('s1'), transcript: messages(0, 1, 'r1') },
        stale ?? -1,
      );
      const fresh = await claim(RT, 'host-b', TTL);
      expect(fresh).toBe(2);
      const late = { lifecycle: boundLifecycle('s1', 'retired'), inputs: [input('s1', 'x', 1)] };
      await expectBurrowError(ctx.store.commit(RT, late, stale ?? -1), 'fenced');
      const stored = await ctx.store.load(RT);
      expect(stored?.lifecycle).toEqual(lifecycle('s1'));
      expect(stored?.inputs).toEqual([]);
      await ctx.store.commit(RT, late, fresh ?? -1);
      expect((await ctx.store.load(RT))?.lifecycle).toEqual(boundLifecycle('s1', 'retired'));
    });

    it('reports fenced before any collision the stale batch would also cause', async () => {
      const stale = await claim(RT, 'host-a', 0);
      const fresh = await claim(RT, 'host-b', TTL);
      await ctx.store.commit(RT, { transcript: messages(0, 2, 'r-new') }, fresh ?? -1);
      await expectBurrowError(
        ctx.store.commit(RT, { transcript: messages(0, 2, 'r-old') }, stale ?? -1),
        'fenced',
      );
    });

    it('treats a never-claimed session as fence 0 and any other fence as stale', async () => {
      await expectBurrowError(ctx.store.commit(RT, { lifecycle: lifecycle('s1') }, 5), 'fenced');
      expect(await ctx.store.load(RT)).toBeNull();
      await ctx.store.commit(RT, { lifecycle: lifecycle('s1') }, 0);
      await claim(RT, 'host-a', 0);
      await expectBurrowError(
        ctx.store.commit(RT, { lifecycle: boundLifecycle('s1') }, 0),
        'fenced',
      );
      expect((await ctx.store.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
    });

    it('commits without a fence unconditionally', async () => {
      await claim(RT, 'host-a', 0);
      await claim(RT, 'host-b', TTL);
      await ctx.store.commit(RT, { lifecycle: lifecycle('s1') });
      expect((await ctx.store.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
    });
  });
}
