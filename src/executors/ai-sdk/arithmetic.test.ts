import { describe, expect, it } from 'vitest';
import { evaluateArithmetic } from './arithmetic.js';

describe('evaluateArithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 * (3 + 4) / -7', -2],
    ['10 - 4 - 3', 3],
    ['8 / 4 / 2', 1],
    ['-(-3)', 3],
    ['+.5 * 4', 2],
    ['1e3 / 8', 125],
    ['  42  ', 42],
  ])('computes %s = %d', (expression, expected) => {
    expect(evaluateArithmetic(expression)).toBe(expected);
  });

  it.each([
    ['', /expected a number/],
    ['1 +', /expected a number or "\(" at position 4 \(found end of input\)/],
    ['2 ** 3', /expected a number/],
    ['(1 + 2', /expected "\)"/],
    ['1 2', /unexpected at position 3/],
    ['process.exit()', /expected a number/],
    ['Math.PI', /expected a number/],
    ['1 / 0', /division by zero/],
    ['1 / (2 - 2)', /division by zero/],
    ['1e308 * 10', /not a finite number/],
    ['('.repeat(100) + '1' + ')'.repeat(100), /nesting deeper/],
    ['-'.repeat(100) + '1', /nesting deeper/],
    ['1+'.repeat(600) + '1', /longer than/],
  ])('refuses %j', (expression, message) => {
    expect(() => evaluateArithmetic(expression)).toThrow(message);
  });
});
