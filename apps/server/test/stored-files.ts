import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { postgresRowCounts } from '@parley/db/testing';
import type { Attachment } from '@parley/protocol';
import { expect } from 'vitest';
import type { FileResponse } from './file-requests.js';
import type { TestServer } from './start-test-server.js';

/** Every file under the SQLite files folder (blobs and temporary uploads). */
export async function filesOnDisk(test: TestServer): Promise<string[]> {
  const root = join(test.dataDir, 'files');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

/** Rows of the stored bytes: the files folder's blobs on SQLite, file_chunks on PostgreSQL. */
export async function storedByteRows(test: TestServer): Promise<number> {
  if (test.databaseUrl === null) return (await filesOnDisk(test)).length;
  return (await postgresRowCounts(test.databaseUrl, ['file_chunks'])).file_chunks ?? 0;
}

/** The Attachment of a successful upload (fails the test with the answer otherwise). */
export function attachmentOf(response: FileResponse): Attachment {
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response.json as Attachment;
}
