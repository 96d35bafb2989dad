import { describe, expect, it } from 'vitest';
import { abortReason, describeAbort, raceAbort } from './race-abort.js';

describe('raceAbort', () => {
  it('settles like the promise when the signal stays quiet', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('no')), controller.signal)).rejects.toThrow(
      'no',
    );
  });

  it('rejects with the abort reason when the signal fires first, and drops a late rejection', async () => {
    const controller = new AbortController();
    let rejectLate: (e: Error) => void = () => undefined;
    const never = new Promise<number>((_resolve, reject) => {
      rejectLate = reject;
    });
    const raced = raceAbort(never, controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(raced).rejects.toThrow('interrupted');
    rejectLate(new Error('late')); // must not surface as an unhandled rejection
  });

  it('rejects at once on an already aborted signal', async () => {
    await expect(
      raceAbort(new Promise(() => undefined), AbortSignal.abort('gone')),
    ).rejects.toThrow('gone');
  });

  it('describes string, error and missing reasons', () => {
    expect(describeAbort(AbortSignal.abort('by operator'))).toBe('by operator');
    expect(describeAbort(AbortSignal.abort(new Error('unregistered')))).toBe('unregistered');
    expect(abortReason(AbortSignal.abort({ code: 1 })).message).toBe('{"code":1}');
    const controller = new AbortController();
    controller.abort();
    expect(describeAbort(controller.signal)).toBe('This operation was aborted');
  });
});
