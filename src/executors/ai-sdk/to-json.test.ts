import { describe, expect, it } from 'vitest';
import { toJsonValue } from './to-json.js';

describe('toJsonValue', () => {
  it('drops undefined fields and turns binary, URLs and dates into strings', () => {
    expect(
      toJsonValue({
        a: undefined,
        b: new Uint8Array([104, 105]),
        c: new URL('https://example.test/x'),
        d: new Date('2025-01-01T00:00:00.000Z'),
        e: [1, undefined, Number.NaN],
        f: () => 1,
      }),
    ).toEqual({
      b: 'aGk=',
      c: 'https://example.test/x',
      d: '2025-01-01T00:00:00.000Z',
      e: [1, null, null],
    });
  });

  it('survives cycles', () => {
    const loop: { self?: unknown } = {};
    loop.self = loop;
    expect(toJsonValue(loop)).toEqual({ self: '[circular]' });
  });
});
