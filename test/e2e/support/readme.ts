// Reads README.md the way a new user does: its sections, the shell commands of its `sh` blocks, and
// its TypeScript example.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli-process.js';

/** The README's text. */
export const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text of the `## title` section (up to the next `## `). */
export function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README has no section "${title}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** The bodies of the fenced blocks with the info string `lang`. */
export function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(
    (m) => m[1] ?? '',
  );
}

/** The commands of a markdown text's `sh` blocks, one per line, without comments. */
export function commands(markdown: string): string[] {
  return blocks(markdown, 'sh')
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s{2,}#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Points a README command at the test's server instead of the default port. */
export function onPort(command: string, port: number): string {
  return command.replaceAll('127.0.0.1:7420', `127.0.0.1:${port}`);
}
