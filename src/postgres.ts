// `burrow/postgres`: the PostgreSQL store for one or many hosts on one database (pg@8).

export { openPostgresStore } from './store/postgres/postgres-store.js';
export type { PostgresStore, PostgresStoreOptions } from './store/postgres/postgres-store.js';
export type { PgCommitStatistics } from './store/postgres/pg-commit-queue.js';
export { PG_SCHEMA_VERSION } from './store/postgres/pg-migrations.js';
