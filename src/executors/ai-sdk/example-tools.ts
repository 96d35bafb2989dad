// Two safe example tools for demos and `--executor openai-compatible`: the current time, a calculator.

import { tool } from 'ai';
import { z } from 'zod';
import { evaluateArithmetic } from './arithmetic.js';

/**
 * A tool that tells the model the current date and time, in UTC and optionally in an IANA time
 * zone (`Europe/Paris`). An unknown zone is reported back to the model as a tool error.
 *
 * @example
 * aiSdkExecutor({ model, tools: { currentTime: currentTimeTool() } });
 */
export function currentTimeTool(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return tool({
    description:
      'Returns the current date and time (ISO 8601 UTC, and local time in an optional IANA time zone).',
    inputSchema: z.object({
      timeZone: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .describe('IANA time zone such as "Europe/Paris"'),
    }),
    execute: ({ timeZone }) => {
      const date = now();
      const zone = timeZone ?? 'UTC';
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        dateStyle: 'full',
        timeStyle: 'long',
      }).format(date);
      return { utc: date.toISOString(), timeZone: zone, local };
    },
  });
}

/**
 * A calculator for `+ - * /`, parentheses and decimal numbers, evaluated by a parser (never
 * `eval`). A malformed expression or a division by zero is reported back to the model.
 *
 * @example
 * aiSdkExecutor({ model, tools: { calculator: calculatorTool() } });
 */
export function calculatorTool() {
  return tool({
    description:
      'Evaluates an arithmetic expression with + - * / and parentheses, e.g. "(12.5 + 7) * 3".',
    inputSchema: z.object({ expression: z.string().min(1).max(1_000) }),
    execute: ({ expression }) => ({ expression, value: evaluateArithmetic(expression) }),
  });
}

/** Both example tools, keyed by the names the model sees: `currentTime` and `calculator`. */
export function exampleTools(options: { now?: () => Date } = {}) {
  return { currentTime: currentTimeTool(options), calculator: calculatorTool() };
}
