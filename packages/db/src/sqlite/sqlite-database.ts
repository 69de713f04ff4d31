import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

/** The drizzle database or a transaction on it: repositories run the same code in both. */
export type SqliteDatabase = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;
