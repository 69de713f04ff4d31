#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  copySqliteToPostgres,
  CopyCountMismatchError,
  SourceDatabaseError,
  TargetNotEmptyError,
  type CopySummary,
} from '@parley/db';
import { createCopyProgressDisplay } from './copy-progress-display.js';

const usage = `Usage: npm run migrate-to-postgres -- --from <sqlite file> --to <postgres://…> [--batch-size <n>]

Copies a Parley SQLite database (DATA_DIR/parley.db) into an empty PostgreSQL database:
users with their password hashes, sessions, conversations, messages (same ids), event logs
(same event ids), read markers, rate-limit counters, and uploaded files (their bytes, from the
\`files\` folder beside the SQLite file, into the database). The PostgreSQL migrations are applied
to the target first. A target that already holds Parley data is refused and left as it is.

  --from <file>       the SQLite database; relative to where you run the command
  --to <url>          postgres://user:password@host:5432/database (15 or newer)
  --batch-size <n>    rows per INSERT (default 2000)
  -h, --help          this text

The SQLite file is opened read-only and read in one transaction: the copy is a consistent
snapshot even while a server still runs on it, but what that server writes after the copy
began is not carried over. For the move itself, stop the server first.

Exit codes: 0 copied and every table's row count matches; 1 bad arguments, an unreadable
source, a non-empty target or a failure; 2 the row counts differ after the copy.`;

const postgresUrl = /^postgres(ql)?:\/\/./;

type Arguments = { from: string; to: string; batchSize: number };

class UsageError extends Error {}

function readArguments(argv: string[]): Arguments | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (!values.from) throw new UsageError('--from <sqlite file> is required.');
  if (!values.to) throw new UsageError('--to <postgres://…> is required.');
  if (!postgresUrl.test(values.to)) throw new UsageError('--to must be a postgres:// URL.');
  const batchSize = values['batch-size'] === undefined ? 2000 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new UsageError('--batch-size must be a whole number from 1 to 100000.');
  }
  // Relative paths are the user's: npm runs this in apps/server but says where it was invoked.
  const base = process.env.INIT_CWD?.trim() || process.cwd();
  return { from: resolve(base, values.from), to: values.to, batchSize };
}

/** The URL without its password, for messages. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}

function printSummary(summary: CopySummary): void {
  const seconds = summary.elapsedMs / 1000;
  const rate = Math.round(summary.rows / Math.max(seconds, 0.001));
  console.log(
    `\nCopied ${summary.rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s ` +
      `(${rate.toLocaleString('en-US')} rows/s).`,
  );
  const width = Math.max(...summary.tables.map((count) => count.table.length));
  console.log(`  ${'table'.padEnd(width)}  ${'SQLite'.padStart(10)}  ${'PostgreSQL'.padStart(10)}`);
  for (const count of summary.tables) {
    const mark = count.source === count.target ? '' : '  ← differs';
    console.log(
      `  ${count.table.padEnd(width)}  ${String(count.source).padStart(10)}  ` +
        `${String(count.target).padStart(10)}${mark}`,
    );
  }
  console.log(`New messages on PostgreSQL start at id ${summary.nextMessageId}.`);
}

/**
 * Refresh tokens are stored as HMACs under the JWT secret: sessions survive only if the PostgreSQL
 * processes use the secret the SQLite server used. A generated secret is kept base64-encoded in
 * DATA_DIR/jwt-secret and read from there only; JWT_SECRET and JWT_SECRET_FILE are taken as
 * written, so they cannot carry it.
 */
function printSecretStep(sqliteFile: string): void {
  const secretFile = join(dirname(sqliteFile), 'jwt-secret');
  console.log('\nNext: give the PostgreSQL server the same JWT secret, or every session ends.');
  if (existsSync(secretFile)) {
    console.log(
      `This server's generated secret is ${secretFile}. Copy that file to DATA_DIR/jwt-secret of\n` +
        'every PostgreSQL process (mode 0600) and leave JWT_SECRET and JWT_SECRET_FILE unset. Do\n' +
        'not put its text into JWT_SECRET or point JWT_SECRET_FILE at it: those take the value as\n' +
        'written, and the file holds the secret base64-encoded, so that would be another secret.\n' +
        'If the SQLite server ran with JWT_SECRET or JWT_SECRET_FILE, keep that setting instead.',
    );
  } else {
    console.log(
      `There is no generated secret next to the database (${secretFile}), so the SQLite server\n` +
        'ran with JWT_SECRET or JWT_SECRET_FILE: set the same on every PostgreSQL process.',
    );
  }
  console.log('Then start the PostgreSQL server with DATABASE_URL set to the target.');
}

async function main(): Promise<number> {
  let args: Arguments | 'help';
  try {
    args = readArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 1;
  }
  if (args === 'help') {
    console.log(usage);
    return 0;
  }

  console.log(`Copying ${args.from} into ${displayUrl(args.to)}`);
  const progress = createCopyProgressDisplay(process.stdout);
  let copyBegan = false;
  try {
    const summary = await copySqliteToPostgres({
      sqliteFile: args.from,
      postgresUrl: args.to,
      batchSize: args.batchSize,
      onProgress: (step) => {
        copyBegan = true;
        progress.update(step);
      },
    });
    progress.stop();
    printSummary(summary);
    printSecretStep(args.from);
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof CopyCountMismatchError) {
      printSummary(error.summary);
      console.error(`\nError: ${error.message}. Do not switch to this database.`);
      return 2;
    }
    if (error instanceof TargetNotEmptyError) {
      console.error(`Refused: ${error.message}. Nothing was written.`);
      return 1;
    }
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      error instanceof SourceDatabaseError
        ? `Cannot read the SQLite database: ${reason}`
        : `The copy failed: ${reason}`,
    );
    if (copyBegan) {
      console.error(
        'The target now holds part of the data: drop and re-create that database before ' +
          'running the copy again.',
      );
    }
    return 1;
  }
}

process.exitCode = await main();
