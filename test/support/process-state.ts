// Test support: the state letter of a process in /proc (`R`, `S`, `Z` for a zombie...), or null.

import { readFileSync } from 'node:fs';

/** The state of process `pid` (field 3 of `/proc/<pid>/stat`), or null when there is no such process. */
export function processState(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}
