// A small arithmetic evaluator for the example calculator tool: a parser, never `eval`.

/** Longest expression accepted, and deepest nesting of parentheses and signs. */
const MAX_LENGTH = 1_000;
const MAX_DEPTH = 64;

/**
 * Evaluates `+ - * /`, parentheses, unary signs and decimal numbers (`12`, `3.5`, `.5`, `1e3`)
 * with the usual precedence. Anything else (names, `**`, `%`, a dangling operator) is refused with
 * an error that says where; so are division by zero and non-finite results.
 *
 * @example
 * evaluateArithmetic('2 * (3 + 4) / -7'); // -2
 */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_LENGTH)
    throw new Error(`expression longer than ${MAX_LENGTH} characters`);
  const parser = new Parser(expression);
  const value = parser.expression(0);
  parser.skipSpaces();
  if (!parser.atEnd()) throw parser.error('unexpected');
  if (!Number.isFinite(value)) throw new Error('the result is not a finite number');
  return value;
}

const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;

class Parser {
  private readonly text: string;
  private index = 0;

  constructor(text: string) {
    this.text = text;
  }

  expression(depth: number): number {
    let value = this.term(depth);
    for (let op = this.peekOperator('+-'); op !== undefined; op = this.peekOperator('+-')) {
      this.index += 1;
      const right = this.term(depth);
      value = op === '+' ? value + right : value - right;
    }
    return value;
  }

  private term(depth: number): number {
    let value = this.unary(depth);
    for (let op = this.peekOperator('*/'); op !== undefined; op = this.peekOperator('*/')) {
      this.index += 1;
      const right = this.unary(depth);
      if (op === '/' && right === 0) throw new Error('division by zero');
      value = op === '*' ? value * right : value / right;
    }
    return value;
  }

  private unary(depth: number): number {
    if (depth > MAX_DEPTH) throw new Error(`nesting deeper than ${MAX_DEPTH}`);
    const sign = this.peekOperator('+-');
    if (sign !== undefined) {
      this.index += 1;
      const value = this.unary(depth + 1);
      return sign === '-' ? -value : value;
    }
    return this.primary(depth);
  }

  private primary(depth: number): number {
    this.skipSpaces();
    if (this.text[this.index] === '(') {
      this.index += 1;
      const value = this.expression(depth + 1);
      this.skipSpaces();
      if (this.text[this.index] !== ')') throw this.error('expected ")"');
      this.index += 1;
      return value;
    }
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.text);
    if (match === null) throw this.error('expected a number or "("');
    this.index += match[0].length;
    return Number(match[0]);
  }

  private peekOperator(operators: string): string | undefined {
    this.skipSpaces();
    const char = this.text[this.index];
    return char !== undefined && operators.includes(char) ? char : undefined;
  }

  skipSpaces(): void {
    while (this.index < this.text.length && /\s/.test(this.text[this.index] ?? '')) this.index += 1;
  }

  atEnd(): boolean {
    return this.index >= this.text.length;
  }

  error(what: string): Error {
    const found = this.atEnd() ? 'end of input' : `"${this.text[this.index] ?? ''}"`;
    return new Error(`${what} at position ${this.index + 1} (found ${found})`);
  }
}
