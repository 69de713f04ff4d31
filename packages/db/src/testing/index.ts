export {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
  type TemporaryPostgresDatabaseOptions,
} from './temporary-postgres-database.js';
