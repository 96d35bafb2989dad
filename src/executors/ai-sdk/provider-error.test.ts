import { APICallError, InvalidPromptError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { ExecutorError } from '../../runtime/executor-error.js';
import { toExecutorError } from './provider-error.js';

const api = (statusCode: number | undefined, isRetryable?: boolean) =>
  new APICallError({
    message: 'boom',
    url: 'http://127.0.0.1',
    requestBodyValues: {},
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(isRetryable === undefined ? {} : { isRetryable }),
  });

describe('toExecutorError', () => {
  it('keeps the SDK verdict for statuses it does not classify and for failed connections', () => {
    expect(toExecutorError(api(418, false)).retryable).toBe(false);
    expect(toExecutorError(api(undefined, true))).toMatchObject({
      causeCode: 'llm_failure',
      retryable: true,
    });
    expect(toExecutorError(api(undefined, true)).message).toContain('no response');
  });

  it('overrides a provider that marks an auth failure retryable', () => {
    expect(toExecutorError(api(401, true)).retryable).toBe(false);
  });

  it('unwraps the last error of an SDK RetryError', () => {
    const retry = new RetryError({
      message: 'gave up',
      reason: 'maxRetriesExceeded',
      errors: [api(500), api(401)],
    });
    expect(toExecutorError(retry)).toMatchObject({ causeCode: 'llm_failure', retryable: false });
  });

  it('maps a call timeout to a retryable llm_failure and a bad prompt to a permanent one', () => {
    const timeout = new DOMException('took too long', 'TimeoutError');
    expect(toExecutorError(timeout)).toMatchObject({ causeCode: 'llm_failure', retryable: true });
    const prompt = new InvalidPromptError({ prompt: [], message: 'bad' });
    expect(toExecutorError(prompt)).toMatchObject({ causeCode: 'llm_failure', retryable: false });
  });

  it('passes an ExecutorError through and makes anything else a retryable executor_error', () => {
    const own = new ExecutorError('timeout', 'slow', { retryable: false });
    expect(toExecutorError(own)).toBe(own);
    expect(toExecutorError('weird')).toMatchObject({
      causeCode: 'executor_error',
      retryable: true,
      message: 'weird',
    });
  });
});
