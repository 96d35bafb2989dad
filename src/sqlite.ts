// `burrow/sqlite`: the embedded SQLite store (needs the optional peer dependency better-sqlite3@12).

export { openSqliteStore } from './store/sqlite/sqlite-store.js';
export type {
  SqliteSettings,
  SqliteStore,
  SqliteStoreOptions,
} from './store/sqlite/sqlite-store.js';
