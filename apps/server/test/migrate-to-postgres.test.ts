import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '@parley/db';
import {
  createTemporaryPostgresDatabase,
  postgresRowCounts,
  type TemporaryPostgresDatabase,
} from '@parley/db/testing';
import type { ChatEvent, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, STRONG_PASSWORD } from './clients.js';
import { bytesOf, fileRequest, uploadFile } from './file-requests.js';
import { startTestServer, testDialect, type TestServer } from './start-test-server.js';
import { messagesIn, recordEvents, registerUser, type TestUser } from './test-users.js';

const messageIdOf = (event: ChatEvent): string | null =>
  event.type === 'message' ? event.message.id : event.type === 'status' ? event.messageId : null;

/** The built command, run as `npm run migrate-to-postgres` runs it. */
const cli = fileURLToPath(new URL('../dist/migrate-to-postgres.js', import.meta.url));
const baseUrl = process.env.PARLEY_TEST_DATABASE_URL?.trim();
const seededMessages = 100_000;
const copiedTables = [
  'users',
  'sessions',
  'conversations',
  'messages',
  'events',
  'read_markers',
  'rate_limits',
  'user_event_heads',
];

type CliRun = { code: number | null; stdout: string; stderr: string };

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The move as an operator makes it: a SQLite server with real accounts and 100,000 messages,
 * stopped; the real command; a server on PostgreSQL with the secret file the command points at.
 * Runs once (in the SQLite project) when PARLEY_TEST_DATABASE_URL is set, as in CI.
 */
describe.skipIf(!baseUrl || testDialect !== 'sqlite')('npm run migrate-to-postgres', () => {
  const sqliteDataDir = mkdtempSync(join(tmpdir(), 'parley-move-sqlite-'));
  const postgresDataDir = mkdtempSync(join(tmpdir(), 'parley-move-postgres-'));
  let target: TemporaryPostgresDatabase;
  let server: TestServer | null = null;
  let copy: CliRun;
  let alice: TestUser;
  let bob: TestUser;
  let aliceRefreshToken = '';
  let conversationId = '';
  let oldMessage: Message;
  let bobHead = 0;
  let aliceHead = 0;
  /** The message ids of Alice's last two events on SQLite (statuses of her messages). */
  let aliceLastEventMessages: Array<string | null> = [];
  /** A file Alice sent Bob on SQLite (1 MiB: four chunks on PostgreSQL). */
  const photo = bytesOf(1024 * 1024, 42);
  let photoId = '';

  beforeAll(async () => {
    // Accounts and the first message through the API of a SQLite server with a generated secret.
    const sqliteServer = await startTestServer({ dataDir: sqliteDataDir, jwtSecret: null });
    try {
      const registered = await httpClient(sqliteServer).auth.register.mutate({
        username: `alice-${process.pid}`,
        password: STRONG_PASSWORD,
      });
      aliceRefreshToken = registered.refreshToken;
      alice = {
        id: registered.user.id,
        username: registered.user.username,
        password: STRONG_PASSWORD,
        accessToken: registered.accessToken,
        http: httpClient(sqliteServer, { token: registered.accessToken }),
      };
      bob = await registerUser(sqliteServer, 'bob');
      await registerUser(sqliteServer, 'carol');
      conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
      const uploaded = await uploadFile(sqliteServer, alice.accessToken, photo, {
        name: 'zanzibar.jpg',
        contentType: 'image/jpeg',
      });
      photoId = (uploaded.json as { fileId: string }).fileId;
      oldMessage = await alice.http.messages.send.mutate({
        conversationId,
        clientId: randomUUID(),
        body: 'Meet me in Zanzibar, said the very first message',
        fileId: photoId,
      });
      expect(oldMessage.attachment?.fileId).toBe(photoId);
    } finally {
      await sqliteServer.dispose();
    }

    // History through the SQLite store's repositories, in concurrent batches (the server is stopped).
    const store = openSqliteStore({ file: join(sqliteDataDir, 'parley.db') });
    try {
      const delivered = new Map<string, string[]>([
        [alice.id, []],
        [bob.id, [oldMessage.id]],
      ]);
      for (let start = 0; start < seededMessages; start += 5000) {
        const sent = await Promise.all(
          Array.from({ length: 5000 }, (_, offset) => {
            const i = start + offset;
            const [from, to] = i % 2 ? [alice, bob] : [bob, alice];
            return store.messages.send({
              conversationId,
              clientId: randomUUID(),
              senderId: from.id,
              recipientId: to.id,
              body: `seeded message ${i} about lemons and limes`,
              createdAt: oldMessage.createdAt + 1 + i,
              status: 'pending',
            });
          }),
        );
        for (const { message } of sent) delivered.get(message.recipientId)!.push(message.id);
      }
      // Both have read everything on SQLite (so nothing waits to be pushed again on PostgreSQL).
      for (const [recipientId, ids] of delivered) {
        for (let at = 0; at < ids.length; at += 500) {
          await store.messages.markDelivered(recipientId, ids.slice(at, at + 500), Date.now());
        }
      }
      bobHead = await store.events.head(bob.id);
      aliceHead = await store.events.head(alice.id);
      aliceLastEventMessages = (await store.events.after(alice.id, aliceHead - 2, 10)).map(
        (event) => event.messageId,
      );
    } finally {
      await store.close();
    }

    target = await createTemporaryPostgresDatabase(baseUrl!, { synchronousCommit: false });
    copy = await runCli(['--from', join(sqliteDataDir, 'parley.db'), '--to', target.url]);
    const speed = /Copied ([\d,]+) rows in ([\d.]+) s \(([\d,]+) rows\/s\)/.exec(copy.stdout);
    console.log(`migrate-to-postgres: ${speed?.[0] ?? copy.stdout}`);

    // As the command says: the generated secret file goes to the new server's data directory.
    copyFileSync(join(sqliteDataDir, 'jwt-secret'), join(postgresDataDir, 'jwt-secret'));
    server = await startTestServer({
      dataDir: postgresDataDir,
      databaseUrl: target.url,
      jwtSecret: null,
      requestsPerMinute: 100_000,
    });
  }, 150_000);

  afterAll(async () => {
    await server?.dispose();
    await target?.drop();
    rmSync(sqliteDataDir, { recursive: true, force: true });
    rmSync(postgresDataDir, { recursive: true, force: true });
  });

  const login = async (user: TestUser): Promise<TestUser> => {
    const result = await httpClient(server!).auth.login.mutate({
      username: user.username,
      password: user.password,
    });
    return {
      ...user,
      accessToken: result.accessToken,
      http: httpClient(server!, { token: result.accessToken }),
    };
  };

  it('copies every table, checks the counts and says how to keep the secret', () => {
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    const rows = (table: string) =>
      new RegExp(`^\\s+${table}\\s+(\\d+)\\s+(\\d+)$`, 'm').exec(copy.stdout)?.slice(1).map(Number);
    expect(rows('users')).toEqual([3, 3]);
    expect(rows('messages')).toEqual([seededMessages + 1, seededMessages + 1]);
    expect(rows('user_event_heads')).toEqual([2, 2]);
    expect(rows('files')).toEqual([1, 1]);
    expect(rows('file_chunks')).toEqual([4, 4]);
    expect(copy.stdout).toContain(`New messages on PostgreSQL start at id ${seededMessages + 2}.`);
    expect(copy.stdout).toContain(join(sqliteDataDir, 'jwt-secret'));
    expect(copy.stdout).toContain('leave JWT_SECRET and JWT_SECRET_FILE unset');
  });

  it('serves the files sent on SQLite from PostgreSQL, identical, to the same people', async () => {
    const bobNow = await login(bob);
    const response = await fileRequest(server!, `/files/${photoId}`, { token: bobNow.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.body.equals(photo)).toBe(true);
  });

  it('lets the moved users log in and page their whole history back to the first message', async () => {
    const aliceNow = await login(alice);
    let before: string | null = null;
    let seen = 0;
    let first: Message | undefined;
    for (;;) {
      const page: { messages: Message[]; nextBefore: string | null } =
        await aliceNow.http.messages.history.query({
          conversationId,
          limit: 100,
          ...(before === null ? {} : { before }),
        });
      seen += page.messages.length;
      first = page.messages[0] ?? first;
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen).toBe(seededMessages + 1);
    // As sent, and delivered since (Bob read everything on SQLite).
    expect(first).toEqual({ ...oldMessage, status: 'delivered', deliveredAt: expect.any(Number) });
  }, 60_000);

  it('finds an old message by a word of it', async () => {
    const bobNow = await login(bob);
    const { results } = await bobNow.http.messages.search.query({ query: 'zanzibar' });
    expect(results.map((hit) => hit.message.id)).toEqual([oldMessage.id]);
  });

  it('resumes event streams from the same event ids, then delivers a new message', async () => {
    const [aliceNow, bobNow] = await Promise.all([login(alice), login(bob)]);
    // Bob, caught up on SQLite: nothing old, then the new message under the next id.
    const bobStream = recordEvents(server!, bobNow, String(bobHead));
    try {
      await bobStream.started;
      const sent = await aliceNow.http.messages.send.mutate({
        conversationId,
        clientId: randomUUID(),
        body: 'Hello from PostgreSQL',
      });
      expect(sent.id).toBe(String(seededMessages + 2));
      await bobStream.waitFor((events) => events.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bobStream.events.map((tracked) => tracked.id)).toEqual([String(bobHead + 1)]);
      expect(messagesIn(bobStream.events).map((message) => message.body)).toEqual([
        'Hello from PostgreSQL',
      ]);
    } finally {
      await bobStream.stop();
    }

    // Alice, two events behind: those two (the same messages as on SQLite), then what is new.
    const aliceStream = recordEvents(server!, aliceNow, String(aliceHead - 2));
    try {
      const newId = String(seededMessages + 2);
      await aliceStream.waitFor((events) =>
        events.some(({ event }) => event.type === 'status' && event.messageId === newId),
      );
      expect(aliceStream.events.map((tracked) => tracked.id)).toEqual(
        [-1, 0, 1, 2].map((offset) => String(aliceHead + offset)),
      );
      expect(aliceStream.events.slice(0, 2).map(({ event }) => messageIdOf(event))).toEqual(
        aliceLastEventMessages,
      );
      // What is new: her own message (for her other devices), then its status once Bob got it.
      expect(aliceStream.events.slice(2).map((tracked) => tracked.event)).toMatchObject([
        { type: 'message', message: { id: newId } },
        { type: 'status', messageId: newId, status: 'sent' },
      ]);
    } finally {
      await aliceStream.stop();
    }
  });

  it('accepts a refresh token issued by the SQLite server', async () => {
    const refreshed = await httpClient(server!).auth.refresh.mutate({
      refreshToken: aliceRefreshToken,
    });
    expect(refreshed.user.id).toBe(alice.id);
    expect(refreshed.refreshToken).not.toBe(aliceRefreshToken);
  });

  it('refuses to copy into a database that holds data, and leaves it unchanged', async () => {
    const before = await postgresRowCounts(target.url, copiedTables);
    const again = await runCli(['--from', join(sqliteDataDir, 'parley.db'), '--to', target.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Refused: .*rows in users.*Nothing was written\./m);
    expect(await postgresRowCounts(target.url, copiedTables)).toEqual(before);
    expect(before.messages).toBeGreaterThan(seededMessages);
  });
});
