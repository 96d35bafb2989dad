// Example tools for demos and `--executor openai-compatible`: the current time, a calculator, and a
// note writer that needs a person's approval before it touches the disk.

import { appendFile } from 'node:fs/promises';
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

/** The notes file of {@link saveNoteTool} when none is given: `$BURROW_NOTES_FILE`, else `burrow-notes.txt`. */
export function defaultNotesFile(env: NodeJS.ProcessEnv = process.env): string {
  const file = env['BURROW_NOTES_FILE']?.trim() ?? '';
  return file === '' ? 'burrow-notes.txt' : file;
}

/**
 * A tool that appends one line to a notes file, and only after a person approved the exact call
 * (`needsApproval: true`): the turn ends awaiting approval, `burrow approve ID` runs it.
 *
 * @example
 * aiSdkExecutor({ model, tools: { saveNote: saveNoteTool({ file: '/tmp/notes.txt' }) } });
 */
export function saveNoteTool(options: { file?: string } = {}) {
  const file = options.file ?? defaultNotesFile();
  return tool({
    description: `Appends a note (one line) to the notes file ${file}. A person approves each call.`,
    inputSchema: z.object({ note: z.string().min(1).max(2_000) }),
    needsApproval: true,
    execute: async ({ note }) => {
      await appendFile(file, `${note.replaceAll('\n', ' ')}\n`, 'utf8');
      return { saved: note, file };
    },
  });
}

/**
 * The example tools, keyed by the names the model sees: `currentTime`, `calculator` and `saveNote`
 * (which needs approval; `notesFile` defaults to {@link defaultNotesFile}).
 */
export function exampleTools(options: { now?: () => Date; notesFile?: string } = {}) {
  return {
    currentTime: currentTimeTool(options),
    calculator: calculatorTool(),
    saveNote: saveNoteTool(options.notesFile === undefined ? {} : { file: options.notesFile }),
  };
}
