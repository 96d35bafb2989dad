// Test support: a SQLite database written by an older schema, to migrate from.

import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

/** Writes a database at schema `version`, then `fill`s it. */
export function writeAtVersion(
  path: string,
  version: number,
  fill: (db: Database.Database) => void,
): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_version VALUES (?, ?, 'then')").run(
        migration.version,
        migration.name,
      );
    }
    fill(db);
  } finally {
    db.close();
  }
}
