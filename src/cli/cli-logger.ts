// The structured log of `burrow serve`: pino JSON lines on stderr (stdout is for data), quiet by default.

import { pino, type Logger } from 'pino';
import type { RuntimeLogger } from '../runtime/runtime-context.js';
import type { LogLevel } from './config.js';

/** A pino logger at `level`, writing synchronously to stderr so nothing is lost at exit. */
export function createCliLogger(level: LogLevel): Logger {
  return pino({ level, base: null, name: 'burrow' }, pino.destination({ dest: 2, sync: true }));
}

/** The runtime's logger interface over pino (pino takes the fields first). */
export function runtimeLoggerOf(logger: Logger): RuntimeLogger {
  return {
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
