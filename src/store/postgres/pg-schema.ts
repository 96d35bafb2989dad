// The PostgreSQL schema a store lives in: its validated name and the qualified names of its tables.

import { BurrowError } from '../../core/errors.js';

/** The schema a store uses when the caller names none. */
export const DEFAULT_PG_SCHEMA = 'burrow';

/** The longest schema name accepted (63 bytes of statement name minus `burrow_`, `_` and the longest statement). */
export const PG_SCHEMA_NAME_MAX = 32;

/** True for a schema name the store accepts (see {@link pgSchema}). */
export function isPgSchemaName(name: string): boolean {
  return name.length <= PG_SCHEMA_NAME_MAX && /^[a-z_][a-z0-9_]*$/.test(name);
}

/** The store's schema: its quoted name and each table's qualified name, ready to splice into SQL. */
export interface PgSchema {
  /** The plain schema name (also the key of the migration lock). */
  readonly name: string;
  /** The quoted identifier. */
  readonly quoted: string;
  readonly sessions: string;
  readonly inputs: string;
  readonly receipts: string;
  readonly transcript: string;
  readonly events: string;
  readonly operations: string;
  readonly opsCursors: string;
  readonly schemaVersion: string;
  readonly readinessProbe: string;
  readonly mailbox: string;
  /** The LISTEN/NOTIFY channel of the store's wake-ups (quoted). */
  readonly channel: string;
  /** The channel's name as `pg_notify` takes it. */
  readonly channelName: string;
}

/**
 * The {@link PgSchema} named `name`. Only lowercase letters, digits and `_` (starting with a letter
 * or `_`, at most {@link PG_SCHEMA_NAME_MAX} characters) are accepted: the name is spliced into SQL,
 * so it is checked here rather than escaped. The length bound keeps the prepared statements named
 * after it (`burrow_<schema>_<statement>`) distinct: the server keys them by their first 63 bytes.
 */
export function pgSchema(name: string = DEFAULT_PG_SCHEMA): PgSchema {
  if (!isPgSchemaName(name)) {
    throw new BurrowError(
      'validation_failed',
      `invalid PostgreSQL schema name ${JSON.stringify(name)}: use lowercase letters, digits and _, at most ${PG_SCHEMA_NAME_MAX}`,
    );
  }
  const quoted = `"${name}"`;
  const table = (t: string): string => `${quoted}.${t}`;
  return {
    name,
    quoted,
    sessions: table('sessions'),
    inputs: table('inputs'),
    receipts: table('receipts'),
    transcript: table('transcript'),
    events: table('events'),
    operations: table('operations'),
    opsCursors: table('ops_cursors'),
    schemaVersion: table('schema_version'),
    readinessProbe: table('readiness_probe'),
    mailbox: table('mailbox'),
    channel: `"burrow_${name}"`,
    channelName: `burrow_${name}`,
  };
}
