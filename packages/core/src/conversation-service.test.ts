import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '@parley/db';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultCoreConfig } from './core-config.js';
import { createServices, type Services } from './create-services.js';

let dir: string;
let store: Store;
let services: Services;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-conversation-service-test-'));
  store = openSqliteStore({ file: join(dir, 'parley.db') });
  services = createServices({
    store,
    config: { ...defaultCoreConfig(randomBytes(32)), bcryptCost: 4 },
    log: pino({ level: 'silent' }),
  });
  await services.start();
});
afterAll(async () => {
  await services.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const createUser = async () => {
  const id = randomUUID();
  await store.users.create({
    id,
    username: `u${id.slice(0, 8)}`,
    passwordHash: 'not-used',
    createdAt: Date.now(),
  });
  return id;
};

describe('ConversationService.peerOf', () => {
  it('reads a conversation’s participants once, and still refuses anyone else', async () => {
    const [alice, bob, eve] = [await createUser(), await createUser(), await createUser()];
    const conversation = await services.conversations.open(alice, bob);
    const reads = vi.spyOn(store.conversations, 'participants');
    try {
      expect(await services.conversations.peerOf(alice, conversation.id)).toBe(bob);
      expect(await services.conversations.peerOf(bob, conversation.id)).toBe(alice);
      await expect(services.conversations.peerOf(eve, conversation.id)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(services.conversations.peerOf(alice, randomUUID())).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      // Once for the conversation, once for the unknown id (unknown ids are not remembered).
      expect(reads).toHaveBeenCalledTimes(2);
      await expect(services.conversations.peerOf(alice, randomUUID())).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(reads).toHaveBeenCalledTimes(3);
    } finally {
      reads.mockRestore();
    }
  });
});
