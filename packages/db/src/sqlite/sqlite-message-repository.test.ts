import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { twoUsersInAConversation } from '../two-users-in-a-conversation.js';
import { openSqliteStore } from './open-sqlite-store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every byte SQLite keeps for the database: the file and its write-ahead log. */
const storedBytes = (file: string): Buffer =>
  Buffer.concat([file, `${file}-wal`].filter(existsSync).map((path) => readFileSync(path)));

/** The index's own terms (fts5vocab), read through a second connection. */
const indexedTerms = (file: string, prefix: string): string[] => {
  const raw = new Database(file);
  try {
    raw.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'messages_fts', 'row')");
    return (
      raw.prepare('SELECT term FROM temp.vocab WHERE term LIKE ?').all(`${prefix}%`) as Array<{
        term: string;
      }>
    ).map((row) => row.term);
  } finally {
    raw.close();
  }
};

async function conversationWithMessages() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-erase-test-'));
  dirs.push(dir);
  const file = join(dir, 'parley.db');
  const store = openSqliteStore({ file });
  stores.push(store);
  const { a, b, conversationId } = await twoUsersInAConversation(store, 'b');
  let counter = 0;
  const send = async (body: string) =>
    (
      await store.messages.send({
        conversationId,
        clientId: `c${(counter += 1)}`,
        senderId: a,
        recipientId: b,
        body,
        createdAt: counter,
        status: 'pending',
      })
    ).message;
  // Neighbours on the same pages, so that the erased text shares pages with text that stays.
  for (let index = 0; index < 50; index += 1) await send(`filler message number ${index}`);
  return { store, file, a, b, send };
}

describe('erasing a message body (SQLite)', () => {
  it('leaves no trace of deleted text in the database file, its WAL or the search index', async () => {
    const { store, file, a, send } = await conversationWithMessages();
    const message = await send('the vault code is marmalade-quixotic-zephyr');
    for (let index = 0; index < 20; index += 1) await send(`more filler ${index}`);
    // Before: the text is there, in the files and the index (so the checks below can fail).
    expect(storedBytes(file).includes('quixotic')).toBe(true);
    expect(indexedTerms(file, 'quixotic')).toEqual(['quixotic']);

    expect(await store.messages.delete({ messageId: message.id, senderId: a, at: 100 })).not.toBe(
      null,
    );

    expect(storedBytes(file).includes('quixotic')).toBe(false);
    expect(storedBytes(file).includes('marmalade')).toBe(false);
    expect(indexedTerms(file, 'quixotic')).toEqual([]);
    expect(indexedTerms(file, 'marmalade')).toEqual([]);
    // The neighbours are intact.
    expect(indexedTerms(file, 'filler')).toEqual(['filler']);
    expect((await store.messages.byIds([message.id]))[0]).toMatchObject({
      body: '',
      deletedAt: 100,
    });
  });

  it('leaves no trace of the text an edit replaced', async () => {
    const { store, file, a, send } = await conversationWithMessages();
    const message = await send('meet me at the obsidianwharf tonight');
    expect(storedBytes(file).includes('obsidianwharf')).toBe(true);

    await store.messages.edit({
      messageId: message.id,
      senderId: a,
      body: 'meet me at the station tonight',
      at: 100,
    });

    expect(storedBytes(file).includes('obsidianwharf')).toBe(false);
    expect(indexedTerms(file, 'obsidianwharf')).toEqual([]);
    expect(indexedTerms(file, 'station')).toEqual(['station']);
  });
});
