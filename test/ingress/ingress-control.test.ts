// Ingress from any host (issue 11, item 3): every control operation, setting and read sent to a host
// that does not own the session reaches the owner through the mailbox and answers as the owner would.

import { expect, it } from 'vitest';
import { describeWithPg } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { createHold, until, useIngressHosts } from './ingress-fixture.js';

describeWithPg('control operations through a host that does not own the session', (url) => {
  const hosts = useIngressHosts(url);

  it('interrupts and cancels after a boundary the turn running on the owner', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    const hold = createHold();
    hold.close();
    await a.registerSessionWithExecutor('s1', hold.executor);
    const running = () => a.snapshot('s1').then((snapshot) => snapshot.run !== null);

    const first = await b.acceptInput('s1', { kind: 'prompt', content: 'one' });
    await until(running, 'the turn to run');
    expect((await b.snapshot('s1')).run).toEqual((await a.snapshot('s1')).run);
    await b.interrupt('s1', 'from host b');
    expect((await first.completion).status).toBe('cancelled');

    const second = await b.acceptInput('s1', { kind: 'prompt', content: 'two' });
    await until(running, 'the next turn to run');
    await b.cancelAfterBoundary('s1', 'stop at the boundary');
    hold.open();
    expect(await second.completion).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled after boundary',
    });
    await until(async () => !(await running()), 'the turn to end');
  });

  it('applies settings and answers reads through the owner', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    await a.registerSessionWithExecutor('s1', createHold().executor);
    const { inputId, completion } = await b.acceptInput('s1', { kind: 'prompt', content: 'hi' });
    await completion;

    await b.setSessionSilentIntents('s1', ['ping']);
    await b.replaceToolCatalog('s1', [{ name: 'search', provenance: 'builtin' }]);
    expect(await b.stagePersistentFilter('s1', { type: 'allow', names: ['search'] })).toBe(1);
    expect(await b.requestDeferredTools('s1', ['search'])).toBe(2);
    expect(await b.snapshot('s1')).toEqual(await a.snapshot('s1'));
    expect((await a.snapshot('s1')).silentIntents).toEqual(['ping']);
    await expect(
      b.stagePersistentFilter('s1', { type: 'allow', names: ['nope'] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });

    expect(await b.getInput('s1', inputId)).toEqual(await a.getInput('s1', inputId));
    expect(await b.listInputs('s1')).toEqual(await a.listInputs('s1'));
    expect(await b.getTranscript('s1')).toEqual(await a.getTranscript('s1'));
    expect(await b.listApprovals('s1')).toEqual([]);
    await expect(
      b.decideApproval('s1', 'nope', { decision: 'approve', callHash: 'h' }),
    ).rejects.toMatchObject({ code: 'approval_not_found' });
    expect(await b.sessionHasExecutor('s1')).toBe(true);
    expect(await b.registerSession('s1')).toBe(false);
    expect(b.diagnostics().sessions).toEqual([]);
  });

  it('retires, stops, recycles, resets, destroys and unregisters on the owner', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    for (const id of ['retired', 'stopped', 'recycled', 'destroyed', 'gone']) {
      await a.registerSessionWithExecutor(id, createHold().executor);
    }
    await b.retire('retired');
    expect((await a.snapshot('retired')).phase).toBe('retired');
    await expect(
      b.acceptInput('retired', { kind: 'prompt', content: 'late' }),
    ).rejects.toMatchObject({ code: 'not_ready' });
    expect(await b.abandonRetiredPendingInputs('retired', 'done')).toBe(0);

    await b.stop('stopped', 'from host b');
    expect((await a.snapshot('stopped')).phase).toBe('stopped');

    await b.recycle('recycled');
    await b.reset('recycled');
    expect((await a.snapshot('recycled')).phase).toBe((await b.snapshot('recycled')).phase);

    await b.destroy('destroyed');
    expect((await a.snapshot('destroyed')).phase).toBe('destroyed');

    await b.unregisterSession('gone');
    expect(await a.locateSession('gone')).toBe('unknown');
    expect(await b.locateSession('gone')).toBe('unknown');
    expect(b.diagnostics().ownership).toMatchObject({ claims: 0, mailboxTimeouts: 0 });
  });

  it('lists and decides a pending approval through the owner, once', async () => {
    const a = await hosts.host('host-a');
    const b = await hosts.host('host-b');
    let runs = 0;
    await a.registerSessionWithExecutor('s1', {
      apply: (run) => {
        runs += 1;
        const decided = run.inputs.some((input) => input.kind === 'approval_decision');
        return Promise.resolve(
          decided
            ? { status: 'completed', output: 'ran the tool' }
            : {
                status: 'awaiting_approval',
                approvals: [{ toolCallId: 'call-1', toolName: 'deleteFile', input: {} }],
              },
        );
      },
    });
    await b.acceptInput('s1', { kind: 'prompt', content: 'delete it' });
    await until(async () => (await b.listApprovals('s1')).length === 1, 'the approval');
    const [approval] = await b.listApprovals('s1');
    expect(await a.listApprovals('s1')).toEqual([approval]);
    const decision = { decision: 'approve' as const, callHash: approval?.callHash ?? '' };
    const decided = await b.decideApproval('s1', approval?.approvalId ?? '', decision);
    const again = await b.decideApproval('s1', approval?.approvalId ?? '', decision);
    expect([decided.status, again.status]).toEqual(['accepted', 'deduplicated']);
    expect(again.inputId).toBe(decided.inputId);
    expect(await decided.completion).toMatchObject({ status: 'completed', result: 'ran the tool' });
    expect(runs).toBe(2);
    expect(await b.listApprovals('s1')).toEqual([]);
  });
});
