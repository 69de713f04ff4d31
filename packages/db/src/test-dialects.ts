import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, type PostgresStoreOptions } from './postgres/open-postgres-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';
import type { Store } from './store.js';
import { createTemporaryPostgresDatabase } from './testing/temporary-postgres-database.js';

/** The PostgreSQL server the tests may create databases on; unset: PostgreSQL tests are skipped. */
export const testDatabaseUrl = process.env.PARLEY_TEST_DATABASE_URL ?? null;

if (testDatabaseUrl === null) {
  console.warn(
    'PARLEY_TEST_DATABASE_URL is not set: the PostgreSQL half of the store tests is skipped ' +
      '(e.g. PARLEY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).',
  );
}

/** A fresh database of one dialect; `open` may be called again for another store on it. */
export type TestDatabase = {
  open(options?: Partial<PostgresStoreOptions>): Promise<Store>;
  /** Closes every store opened here and removes the database. */
  dispose(): Promise<void>;
  /** PostgreSQL only: the database's URL. */
  url: string | null;
};

export type Dialect = {
  name: 'sqlite' | 'postgres';
  available: boolean;
  create(): Promise<TestDatabase>;
};

const sqlite: Dialect = {
  name: 'sqlite',
  available: true,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-test-'));
    const file = join(dir, 'parley.db');
    const stores: Store[] = [];
    return Promise.resolve({
      url: null,
      async open() {
        const store = openSqliteStore({ file });
        stores.push(store);
        return Promise.resolve(store);
      },
      async dispose() {
        await Promise.allSettled(stores.map((store) => store.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
};

const postgres: Dialect = {
  name: 'postgres',
  available: testDatabaseUrl !== null,
  async create() {
    if (testDatabaseUrl === null) throw new Error('PARLEY_TEST_DATABASE_URL is not set');
    const database = await createTemporaryPostgresDatabase(testDatabaseUrl);
    const stores: Store[] = [];
    return {
      url: database.url,
      async open(options) {
        const store = await openPostgresStore({ poolSize: 4, ...options, url: database.url });
        stores.push(store);
        return store;
      },
      async dispose() {
        await Promise.allSettled(stores.map((store) => store.close()));
        await database.drop();
      },
    };
  },
};

export const dialects: Dialect[] = [sqlite, postgres];
