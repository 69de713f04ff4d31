export {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from './temporary-postgres-database.js';
