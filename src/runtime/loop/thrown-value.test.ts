// describeThrown never throws, keeps known causes, names unknown ones, and bounds what it prints.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailureCause } from '../../core/machine/state.js';
import { FAILURE_CAUSES } from '../../core/machine/state.js';
import { ExecutorError } from '../executor-error.js';
import { describeThrown, MAX_FAILURE_MESSAGE } from './thrown-value.js';

function throwingProxy(): object {
  const boom = (): never => {
    throw new Error('trap');
  };
  return new Proxy(() => undefined, {
    get: boom,
    getPrototypeOf: boom,
    has: boom,
    ownKeys: boom,
    getOwnPropertyDescriptor: boom,
    apply: boom,
  });
}

function expectWellFormed(failure: ReturnType<typeof describeThrown>): void {
  expect(FAILURE_CAUSES).toContain(failure.cause);
  expect(typeof failure.retryable).toBe('boolean');
  expect(failure.message.length).toBeGreaterThan(0);
  expect(failure.message.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE);
  // eslint-disable-next-line no-control-regex -- checking that none are left
  expect(failure.message).not.toMatch(/[\u0000-\u001f\u007f]/);
}

describe('describeThrown', () => {
  it('keeps the cause, flag and message of an ExecutorError with a known cause', () => {
    expect(
      describeThrown(new ExecutorError('tool_failure', 'the tool broke', { retryable: false })),
    ).toEqual({ cause: 'tool_failure', retryable: false, message: 'the tool broke' });
  });

  it('turns an unknown cause into executor_error, names it, and keeps the retryable flag', () => {
    const failure = describeThrown(
      new ExecutorError('quota' as FailureCause, 'over quota', { retryable: false }),
    );
    expect(failure).toEqual({
      cause: 'executor_error',
      retryable: false,
      message: 'unknown failure cause quota: over quota',
    });
  });

  it('describes other throws as retryable executor_error', () => {
    expect(describeThrown(new TypeError('bad'))).toEqual({
      cause: 'executor_error',
      retryable: true,
      message: 'bad',
    });
    expect(describeThrown('plain text')).toMatchObject({ message: 'non-error thrown: plain text' });
    expect(describeThrown({ code: 7 })).toMatchObject({ message: 'non-error thrown: {"code":7}' });
    expect(describeThrown(undefined)).toMatchObject({ message: 'non-error thrown: undefined' });
  });

  it('never throws on values that refuse to be read or printed', () => {
    const messageGetter = new Error('x');
    Object.defineProperty(messageGetter, 'message', {
      get: () => {
        throw new Error('getter');
      },
    });
    const unprintable = {
      toJSON: () => {
        throw new Error('json');
      },
      toString: () => {
        throw new Error('string');
      },
    };
    for (const value of [throwingProxy(), messageGetter, unprintable, Symbol('s'), 10n]) {
      expectWellFormed(describeThrown(value));
    }
    expect(describeThrown(throwingProxy())).toMatchObject({ cause: 'executor_error' });
  });

  it('cuts long messages and replaces control characters', () => {
    const failure = describeThrown(new Error(`line one\nline two\u0007${'z'.repeat(50_000)}`));
    expectWellFormed(failure);
    expect(failure.message.startsWith('line one line two')).toBe(true);
    expect(failure.message.endsWith('…')).toBe(true);
  });

  it('describes any value as a well-formed failure', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true }), (value) => {
        expectWellFormed(describeThrown(value));
      }),
    );
  });
});
