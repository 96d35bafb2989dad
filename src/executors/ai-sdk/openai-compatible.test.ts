import { describe, expect, it } from 'vitest';
import { BurrowError } from '../../core/errors.js';
import { openAiCompatibleExecutorFromEnv, readOpenAiCompatibleEnv } from './openai-compatible.js';

function refusal(env: NodeJS.ProcessEnv): BurrowError {
  try {
    readOpenAiCompatibleEnv(env);
  } catch (e: unknown) {
    if (e instanceof BurrowError) return e;
    throw e;
  }
  throw new Error('the environment was accepted');
}

describe('openai-compatible configuration', () => {
  it('names exactly the variables that are missing', () => {
    const error = refusal({ OPENAI_API_KEY: 'sk-test', BURROW_MODEL: '  ' });
    expect(error.code).toBe('validation_failed');
    expect(error.details.issues).toEqual(['OPENAI_BASE_URL is not set', 'BURROW_MODEL is not set']);
    expect(error.message).toContain('missing OPENAI_BASE_URL, BURROW_MODEL');
    expect(error.message).not.toContain('missing OPENAI_API_KEY');

    expect(refusal({}).details.issues).toEqual([
      'OPENAI_BASE_URL is not set',
      'OPENAI_API_KEY is not set',
      'BURROW_MODEL is not set',
    ]);
  });

  it('refuses a base URL that is not http(s)', () => {
    const error = refusal({
      OPENAI_BASE_URL: 'localhost:11434',
      OPENAI_API_KEY: 'k',
      BURROW_MODEL: 'm',
    });
    expect(error.details.issues).toEqual([
      'OPENAI_BASE_URL is not an http(s) URL: localhost:11434',
    ]);
  });

  it('reads a complete environment, trimming spaces and trailing slashes', () => {
    expect(
      readOpenAiCompatibleEnv({
        OPENAI_BASE_URL: ' http://127.0.0.1:11434/v1/ ',
        OPENAI_API_KEY: 'local',
        BURROW_MODEL: 'llama3.1',
      }),
    ).toEqual({ baseURL: 'http://127.0.0.1:11434/v1', apiKey: 'local', modelId: 'llama3.1' });
  });

  it('builds an executor from a complete environment and refuses an incomplete one', () => {
    const env = {
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      OPENAI_API_KEY: 'k',
      BURROW_MODEL: 'm',
    };
    expect(typeof openAiCompatibleExecutorFromEnv(env, { exampleTools: true }).apply).toBe(
      'function',
    );
    expect(() => openAiCompatibleExecutorFromEnv({ ...env, BURROW_MODEL: '' })).toThrow(
      /BURROW_MODEL/,
    );
  });
});
