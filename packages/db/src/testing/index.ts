export {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
  type TemporaryPostgresDatabaseOptions,
} from './temporary-postgres-database.js';
export { postgresRowCounts } from './postgres-row-counts.js';
