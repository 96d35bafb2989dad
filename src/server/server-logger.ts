// The logger the server writes to: a pino-compatible subset, quiet by default (only errors, to stderr).

import { pino } from 'pino';

/** What the server logs through; a pino logger satisfies it. */
export interface ServerLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** The default logger: pino at level `error`, writing JSON lines to stderr. */
export function defaultServerLogger(): ServerLogger {
  return pino({ level: 'error', base: null, name: 'burrow-server' }, pino.destination(2));
}
