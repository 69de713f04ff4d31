import { createHash, randomUUID } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it as vitestIt } from 'vitest';
import { FileNotAttachableError } from './file-not-attachable-error.js';
import { FileTooLargeError } from './file-too-large-error.js';
import { RecipientDeletedError } from './recipient-deleted-error.js';
import { SenderUnknownError } from './sender-unknown-error.js';
import type { Store } from './store.js';
import { dialects, type TestDatabase } from './test-dialects.js';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (reason: unknown) => reason,
  );

describe.each(dialects)('Store contract: $name', (dialect) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    if (!dialect.available) return;
    database = await dialect.create();
    store = await database.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  // Every test of a dialect that cannot run here is reported as skipped.
  const it = dialect.available ? vitestIt : vitestIt.skip;

  let counter = 0;
  /** A new user with a unique name (the database is shared by the tests of this suite). */
  const newUser = async (name = 'user') => {
    counter += 1;
    const user = {
      id: randomUUID(),
      username: `${name}${counter}x${randomUUID().slice(0, 6)}`,
      passwordHash: 'hash',
      createdAt: counter,
    };
    expect(await store.users.create(user)).toBe(true);
    return user;
  };
  const newPair = async () => {
    const [a, b] = [await newUser('a'), await newUser('b')];
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      b.id,
    );
    let clientCounter = 0;
    const send = (
      from: typeof a,
      to: typeof b,
      body: string,
      extra: {
        clientId?: string;
        status?: 'pending' | 'sent';
        createdAt?: number;
        replyToId?: string;
        fileId?: string;
      } = {},
    ) =>
      store.messages.send({
        conversationId,
        clientId: extra.clientId ?? `c${(clientCounter += 1)}`,
        senderId: from.id,
        recipientId: to.id,
        body,
        createdAt: extra.createdAt ?? 10 + clientCounter,
        status: extra.status ?? 'pending',
        replyToId: extra.replyToId ?? null,
        fileId: extra.fileId ?? null,
      });
    return { a, b, conversationId, send };
  };

  describe('users', () => {
    it('keeps usernames unique without regard to case', async () => {
      const alice = await newUser('Alice');
      expect(
        await store.users.create({
          ...alice,
          id: randomUUID(),
          username: alice.username.toUpperCase(),
        }),
      ).toBe(false);
      expect((await store.users.findLiveByUsername(alice.username.toLowerCase()))?.id).toBe(
        alice.id,
      );
      expect(await store.users.findById(alice.id)).toMatchObject({
        username: alice.username,
        deletedAt: null,
      });
      expect(await store.users.findById('nobody')).toBeNull();
    });

    it('finds by prefix in any case, wildcards taken literally, excluding the caller', async () => {
      const tag = randomUUID().slice(0, 6);
      const names = [`pre${tag}_one`, `PRE${tag}two`, `pre${tag}%x`, `other${tag}`];
      const created = [];
      for (const username of names) {
        const user = { id: randomUUID(), username, passwordHash: 'h', createdAt: 1 };
        await store.users.create(user);
        created.push(user);
      }
      const names_ = async (prefix: string, exclude = 'nobody') =>
        (await store.users.searchByPrefix(prefix, exclude, 10)).map((user) => user.username);
      expect(await names_(`Pre${tag}`)).toEqual([`pre${tag}%x`, `pre${tag}_one`, `PRE${tag}two`]);
      expect(await names_(`pre${tag}_`)).toEqual([`pre${tag}_one`]);
      expect(await names_(`pre${tag}%`)).toEqual([`pre${tag}%x`]);
      expect(await names_(`pre${tag}`, created[0]!.id)).toHaveLength(2);
      expect(await store.users.searchByPrefix(`pre${tag}`, 'nobody', 1)).toHaveLength(1);
      expect(await names_('é\u0000\\')).toEqual([]);
      expect(await store.users.findLiveByUsername('a\u0000')).toBeNull();
    });

    it('records last seen and lists peers', async () => {
      const { a, b } = await newPair();
      await store.users.setLastSeen(a.id, 42);
      expect((await store.users.findById(a.id))?.lastSeenAt).toBe(42);
      expect((await store.users.peersOf(b.id)).map((user) => user.id)).toEqual([a.id]);
    });
  });

  describe('sessions', () => {
    const newSession = async () => {
      const user = await newUser('s');
      const session = {
        id: randomUUID(),
        userId: user.id,
        refreshTokenHash: `h-${randomUUID()}`,
        createdAt: 100,
        userAgent: 'test',
        ip: '127.0.0.1',
      };
      await store.sessions.create(session);
      return { user, session };
    };

    it('rotates only from the current token (compare-and-set)', async () => {
      const { session } = await newSession();
      const next = { refreshTokenHash: `n-${randomUUID()}`, rotatedAt: 200 };
      const [first, second] = await Promise.all([
        store.sessions.rotate(session.id, session.refreshTokenHash, next),
        store.sessions.rotate(session.id, session.refreshTokenHash, {
          ...next,
          refreshTokenHash: `m-${randomUUID()}`,
        }),
      ]);
      expect([first, second].filter((row) => row !== null)).toHaveLength(1);
      const winner = (first ?? second)!;
      expect(winner).toMatchObject({
        previousTokenHash: session.refreshTokenHash,
        generation: 1,
        rotatedAt: 200,
        lastUsedAt: 200,
      });
      expect((await store.sessions.findByRefreshHash(winner.refreshTokenHash))?.id).toBe(
        session.id,
      );
      expect((await store.sessions.findByPreviousHash(session.refreshTokenHash))?.id).toBe(
        session.id,
      );
    });

    it('revokes once, for its own user, and reports revocations since a time', async () => {
      const { user, session } = await newSession();
      await store.sessions.touch(session.id, 150);
      expect((await store.sessions.findById(session.id))?.lastUsedAt).toBe(150);
      expect((await store.sessions.listLive(user.id)).map((row) => row.id)).toEqual([session.id]);
      expect(await store.sessions.revoke(session.id, 'someone-else', 300, 'logout')).toBe(false);
      expect(await store.sessions.revoke(session.id, user.id, 300, 'logout')).toBe(true);
      expect(await store.sessions.revoke(session.id, user.id, 301, 'logout')).toBe(false);
      expect(await store.sessions.listLive(user.id)).toEqual([]);
      expect(await store.sessions.revokedSince(299)).toContain(session.id);
      expect(await store.sessions.revokedSince(300)).not.toContain(session.id);
      expect(
        await store.sessions.rotate(session.id, session.refreshTokenHash, {
          refreshTokenHash: 'x',
          rotatedAt: 400,
        }),
      ).toBeNull();
    });
  });

  describe('conversations', () => {
    it('get-or-create is one conversation when both open it at once', async () => {
      const [a, b] = [await newUser('a'), await newUser('b')];
      const results = await Promise.all([
        store.conversations.open(
          { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
          b.id,
        ),
        store.conversations.open(
          { id: randomUUID(), userA: b.id, userB: a.id, createdAt: 1 },
          a.id,
        ),
      ]);
      expect(new Set(results.map((result) => result.conversationId)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      const creator = results.find((result) => result.created)!;
      expect(creator.appended).toMatchObject([{ type: 'conversation', seq: 1 }]);
      expect(await store.conversations.participants(creator.conversationId)).toEqual(
        [a.id, b.id].sort(),
      );
      expect(await store.conversations.participants('missing')).toBeNull();
    });

    it('lists with peer, last message and unread count; markRead only moves forward', async () => {
      const { a, b, conversationId, send } = await newPair();
      const m1 = await send(a, b, 'one');
      const m2 = await send(a, b, 'two');
      await send(b, a, 'reply');
      const [listed] = await store.conversations.listFor(b.id);
      expect(listed).toMatchObject({
        id: conversationId,
        peer: { id: a.id, username: a.username, deleted: false },
        lastMessage: { body: 'reply', senderId: b.id },
        unreadCount: 2,
      });
      expect(await store.conversations.markRead(b.id, conversationId, m2.message.id)).toBe(0);
      // An older marker arriving late changes nothing.
      expect(await store.conversations.markRead(b.id, conversationId, m1.message.id)).toBe(0);
      expect(await store.conversations.markRead(b.id, conversationId, 'junk')).toBe(0);
      expect((await store.conversations.getFor(b.id, conversationId))?.unreadCount).toBe(0);
      expect((await store.conversations.getFor(a.id, conversationId))?.unreadCount).toBe(1);
      const stranger = await newUser('z');
      expect(await store.conversations.getFor(stranger.id, conversationId)).toBeNull();
      expect(await store.conversations.listFor(stranger.id)).toEqual([]);
    });
  });

  describe('messages', () => {
    it('send is idempotent per (conversation, clientId), also for concurrent duplicates', async () => {
      const { a, b, send } = await newPair();
      const sends = await Promise.all(
        Array.from({ length: 5 }, () => send(a, b, 'same', { clientId: 'dup' })),
      );
      expect(new Set(sends.map((result) => result.message.id)).size).toBe(1);
      expect(sends.filter((result) => result.created)).toHaveLength(1);
      expect(sends.filter((result) => !result.created).every((r) => r.appended.length === 0)).toBe(
        true,
      );
      const again = await send(a, b, 'different body', { clientId: 'dup' });
      expect(again).toMatchObject({ created: false, message: { body: 'same' } });
    });

    it('answers with the sender’s username, as every read of the message shows it', async () => {
      const { a, b, conversationId, send } = await newPair();
      const { message, appended } = await send(a, b, 'named');
      expect(message.senderName).toBe(a.username);
      expect(appended.map((event) => event.message?.senderName)).toEqual([a.username, a.username]);
      expect((await store.messages.history(conversationId, null, 1))[0]?.senderName).toBe(
        a.username,
      );
      expect((await send(b, a, 'back')).message.senderName).toBe(b.username);
    });

    it('a send to a deleted recipient is RecipientDeletedError and stores nothing', async () => {
      const { a, b, conversationId, send } = await newPair();
      await send(a, b, 'before', { clientId: 'kept' });
      await store.users.deleteAccount(b.id, 100);
      const history = await store.messages.history(conversationId, null, 50);
      const heads = [await store.events.head(a.id), await store.events.head(b.id)];
      // A repeated clientId is answered only once the checks pass.
      for (const clientId of ['new', 'kept']) {
        expect(await refusal(send(a, b, 'after', { clientId }))).toBeInstanceOf(
          RecipientDeletedError,
        );
      }
      expect(await refusal(send(a, { ...b, id: randomUUID() }, 'nobody'))).toBeInstanceOf(
        RecipientDeletedError,
      );
      expect(await store.messages.history(conversationId, null, 50)).toEqual(history);
      expect([await store.events.head(a.id), await store.events.head(b.id)]).toEqual(heads);
    });

    it('a send from an unknown or deleted sender is SenderUnknownError and stores nothing', async () => {
      const { a, b, conversationId, send } = await newPair();
      const unknown = { ...a, id: randomUUID() };
      const history = await store.messages.history(conversationId, null, 50);
      const headOfB = await store.events.head(b.id);
      expect(await refusal(send(unknown, b, 'who?', { clientId: 'refused' }))).toBeInstanceOf(
        SenderUnknownError,
      );
      expect(await store.messages.history(conversationId, null, 50)).toEqual(history);
      expect(await store.events.head(b.id)).toBe(headOfB);

      await store.users.deleteAccount(a.id, 100);
      const heads = async () => [await store.events.head(a.id), await store.events.head(b.id)];
      const afterDeletion = await heads();
      expect(await refusal(send(a, b, 'gone', { clientId: 'refused' }))).toBeInstanceOf(
        SenderUnknownError,
      );
      expect(await heads()).toEqual(afterDeletion);
      // Both checks fail: the sender's comes first.
      await store.users.deleteAccount(b.id, 101);
      const afterBoth = await heads();
      expect(await refusal(send(a, b, 'gone', { clientId: 'refused' }))).toBeInstanceOf(
        SenderUnknownError,
      );
      expect(await heads()).toEqual(afterBoth);
      expect(await store.messages.history(conversationId, null, 50)).toEqual(history);
    });

    it('pages history by id, oldest first within a page', async () => {
      const { a, b, conversationId, send } = await newPair();
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) ids.push((await send(a, b, `m${i}`)).message.id);
      const newest = await store.messages.history(conversationId, null, 3);
      expect(newest.map((m) => m.body)).toEqual(['m4', 'm5', 'm6']);
      const older = await store.messages.history(conversationId, newest[0]!.id, 3);
      expect(older.map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
      expect((await store.messages.history(conversationId, ids[1]!, 3)).map((m) => m.body)).toEqual(
        ['m0'],
      );
      expect((await store.messages.byIds([ids[3]!, ids[0]!, 'junk'])).map((m) => m.body)).toEqual([
        'm0',
        'm3',
      ]);
      expect(await store.messages.byIds([])).toEqual([]);
    });

    it('marks sent and delivered for the recipient only, with status events for the sender', async () => {
      const { a, b, send } = await newPair();
      const before = await store.messages.undeliveredCount();
      const { message } = await send(a, b, 'hello');
      expect(await store.messages.undeliveredCount()).toBe(before + 1);
      expect(await store.messages.markSent(a.id, [message.id], 2)).toEqual([]);
      const sent = await store.messages.markSent(b.id, [message.id], 2);
      expect(sent).toMatchObject([
        {
          message: { id: message.id, status: 'sent' },
          appended: [{ userId: a.id, type: 'status' }],
        },
      ]);
      expect(await store.messages.markSent(b.id, [message.id], 3)).toEqual([]);
      expect((await store.messages.markDelivered(a.id, [message.id], 4)).delivered).toEqual([]);
      const delivered = await store.messages.markDelivered(b.id, [message.id, 'junk'], 5);
      expect(delivered.delivered).toEqual([message.id]);
      expect(delivered.changed[0]?.message).toMatchObject({ status: 'delivered', deliveredAt: 5 });
      expect(await store.messages.markDelivered(b.id, [message.id], 6)).toEqual({
        changed: [],
        delivered: [message.id],
      });
      expect(await store.messages.undeliveredCount()).toBe(before);
    });

    it('answers an acknowledgement of several ids (repeated, out of order) with each delivered id once, ascending', async () => {
      const { a, b, send } = await newPair();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await send(a, b, `ack ${i}`)).message.id);
      const [first, second, third] = ids as [string, string, string];
      const all = await store.messages.markDelivered(b.id, [third, first, third, second], 7);
      expect(all.delivered).toEqual([first, second, third]);
      expect(all.changed.map((change) => change.message.id).sort()).toEqual([...ids].sort());
      const again = await store.messages.markDelivered(b.id, [second, second, first], 8);
      expect(again).toEqual({ changed: [], delivered: [first, second] });
    });
  });

  describe('events', () => {
    it('appends increasing ids per user, reads after a cursor, and reports the head', async () => {
      const { a, b, send } = await newPair();
      const sends = await Promise.all(Array.from({ length: 10 }, (_, i) => send(a, b, `m${i}`)));
      const bSeqs = sends
        .flatMap((result) => result.appended.filter((event) => event.userId === b.id))
        .map((event) => event.seq)
        .sort((x, y) => x - y);
      expect(bSeqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
      expect(await store.events.head(b.id)).toBe(11);
      expect(await store.events.head('nobody')).toBe(0);
      const log = await store.events.after(b.id, 5, 3);
      expect(log.map((event) => event.seq)).toEqual([6, 7, 8]);
      const appended = await store.events.append([
        { userId: b.id, type: 'conversation', conversationId: 'x' },
        { userId: a.id, type: 'conversation', conversationId: 'y' },
        { userId: b.id, type: 'conversation', conversationId: 'z' },
      ]);
      expect(appended.map((event) => [event.userId, event.seq])).toEqual([
        [b.id, 12],
        [a.id, 11],
        [b.id, 13],
      ]);
    });

    it('lists the message events of undelivered messages in message order', async () => {
      const { a, b, send } = await newPair();
      const ids = [];
      for (let i = 0; i < 4; i += 1) ids.push((await send(a, b, `m${i}`)).message.id);
      await store.messages.markDelivered(b.id, [ids[1]!], 5);
      const waiting = await store.events.undelivered(b.id, null, 10);
      expect(waiting.map((event) => event.messageId)).toEqual([ids[0], ids[2], ids[3]]);
      expect(waiting.every((event) => event.type === 'message' && event.userId === b.id)).toBe(
        true,
      );
      expect(
        (await store.events.undelivered(b.id, ids[0]!, 1)).map((event) => event.messageId),
      ).toEqual([ids[2]]);
      expect(await store.events.undelivered(a.id, null, 10)).toEqual([]);
    });
  });

  describe('search', () => {
    const search = (
      ownerId: string,
      words: string[],
      extra: { conversationId?: string; before?: string; limit?: number } = {},
    ) =>
      store.messages.search({
        ownerId,
        words,
        conversationId: extra.conversationId ?? null,
        before: extra.before ?? null,
        limit: extra.limit ?? 20,
      });

    it('finds the caller’s messages only, the last word as a prefix, accents folded', async () => {
      const { a, b, send } = await newPair();
      const { a: c, b: d, send: sendOther } = await newPair();
      await send(a, b, 'Meet me at the café tomorrow');
      await send(b, a, 'the CAFE is closed');
      await send(a, b, 'unrelated words');
      await sendOther(c, d, 'cafe for others');
      const bodies = async (ownerId: string, words: string[]) =>
        (await search(ownerId, words)).map((hit) => hit.message.body);
      expect(await bodies(a.id, ['cafe'])).toEqual([
        'the CAFE is closed',
        'Meet me at the café tomorrow',
      ]);
      expect(await bodies(b.id, ['café'])).toHaveLength(2);
      expect(await bodies(a.id, ['caf'])).toHaveLength(2);
      expect(await bodies(a.id, ['the', 'caf'])).toHaveLength(2);
      expect(await bodies(a.id, ['caf', 'the'])).toEqual([]); // only the last word is a prefix
      expect(await bodies(a.id, ['meet', 'closed'])).toEqual([]);
      expect(await bodies(c.id, ['cafe'])).toEqual(['cafe for others']);
      expect(await bodies('nobody', ['cafe'])).toEqual([]);
      expect(await bodies(a.id, [])).toEqual([]);

      const [hit] = await search(a.id, ['tomorr']);
      expect(hit!.snippet).toContain('tomorrow');
      expect(hit!.highlights.map(([start, end]) => hit!.snippet.slice(start, end))).toEqual([
        'tomorrow',
      ]);
    });

    it('never fails on hostile input', async () => {
      const { a, b, send } = await newPair();
      await send(a, b, 'C++ and "quotes" and it\'s a back\\slash: NEAR(x) & | !');
      const hostile = [
        '"',
        'AND',
        '*',
        '-',
        'NEAR(',
        'C++',
        ':',
        '&',
        '|',
        '!',
        "'",
        '\\',
        'OR',
        '(',
        ')',
        ':*',
        "'':*",
        "\\'",
        '<->',
        '^',
        '{',
        'a\u0000b',
        '\u0000',
      ];
      for (const word of hostile) {
        await expect(search(a.id, [word])).resolves.toBeInstanceOf(Array);
        await expect(search(a.id, [word, 'and'])).resolves.toBeInstanceOf(Array);
      }
      expect((await search(a.id, ['C++'])).length).toBe(1);
      expect((await search(a.id, ["it's"])).length).toBe(1);
    });

    it('pages with before, newest first, and filters by conversation', async () => {
      const first = await newPair();
      const ids = [];
      for (let i = 0; i < 5; i += 1)
        ids.push((await first.send(first.a, first.b, `page ${i}`)).message.id);
      const {
        conversationId: otherConversation,
        send: sendOther,
        b: other,
      } = await (async () => {
        const c = await newUser('c');
        const opened = await store.conversations.open(
          { id: randomUUID(), userA: first.a.id, userB: c.id, createdAt: 1 },
          c.id,
        );
        return {
          conversationId: opened.conversationId,
          b: c,
          send: (body: string) =>
            store.messages.send({
              conversationId: opened.conversationId,
              clientId: randomUUID(),
              senderId: first.a.id,
              recipientId: c.id,
              body,
              createdAt: 50,
              status: 'pending',
            }),
        };
      })();
      await sendOther('page elsewhere');
      const page1 = await search(first.a.id, ['page'], { limit: 3 });
      expect(page1.map((hit) => hit.message.body)).toEqual(['page elsewhere', 'page 4', 'page 3']);
      const page2 = await search(first.a.id, ['page'], { limit: 3, before: page1[2]!.message.id });
      expect(page2.map((hit) => hit.message.body)).toEqual(['page 2', 'page 1', 'page 0']);
      const filtered = await search(first.a.id, ['page'], { conversationId: otherConversation });
      expect(filtered.map((hit) => hit.message.body)).toEqual(['page elsewhere']);
      expect((await search(other.id, ['page'])).map((hit) => hit.message.body)).toEqual([
        'page elsewhere',
      ]);
      expect(ids).toHaveLength(5);
    });
  });

  describe('account deletion', () => {
    it('ends sessions, fails waiting messages, tells peers, anonymizes, releases the name', async () => {
      const { a, b, send } = await newPair();
      const { message: toB } = await send(a, b, 'for b');
      const { message: fromB } = await send(b, a, 'from b');
      const session = {
        id: randomUUID(),
        userId: b.id,
        refreshTokenHash: `h-${randomUUID()}`,
        createdAt: 1,
        userAgent: null,
        ip: null,
      };
      await store.sessions.create(session);
      const deletion = await store.users.deleteAccount(b.id, 500);
      expect(deletion?.endedSessionIds).toEqual([session.id]);
      expect(deletion?.failed).toMatchObject([
        {
          message: { id: toB.id, status: 'failed' },
          appended: [{ userId: a.id, type: 'status' }],
        },
      ]);
      expect(deletion?.appended).toMatchObject([{ userId: a.id, type: 'peer-deleted' }]);
      expect(await store.users.deleteAccount(b.id, 501)).toBeNull();
      expect(await store.users.findLiveByUsername(b.username)).toBeNull();
      expect(await store.users.create({ ...b, id: randomUUID() })).toBe(true);
      // Reads as anonymized at once, then in storage batch by batch.
      const [read] = await store.messages.byIds([fromB.id]);
      expect(read).toMatchObject({ anonymized: true, senderId: null, senderName: null });
      expect(await store.users.anonymizeSentBatch(b.id, 600, 10)).toBe(1);
      expect(await store.users.anonymizeSentBatch(b.id, 600, 10)).toBe(0);
      const [listed] = await store.conversations.listFor(a.id);
      expect(listed?.peer.deleted).toBe(true);
    });
  });

  describe('edits, deletes, replies, receipts (Release 2)', () => {
    const find = (ownerId: string, word: string) =>
      store.messages
        .search({ ownerId, words: [word], conversationId: null, before: null, limit: 20 })
        .then((hits) => hits.map((hit) => hit.message.id));

    it('edits only the sender’s undeleted message; the index follows; both participants are told', async () => {
      const { a, b, send } = await newPair();
      const { message } = await send(a, b, 'original lighthouse words');
      expect(
        await store.messages.edit({ messageId: message.id, senderId: b.id, body: 'x', at: 50 }),
      ).toBeNull();
      expect(
        await store.messages.edit({ messageId: 'nonsense', senderId: a.id, body: 'x', at: 50 }),
      ).toBeNull();
      const edited = await store.messages.edit({
        messageId: message.id,
        senderId: a.id,
        body: 'revised windmill words',
        at: 60,
      });
      expect(edited?.message).toMatchObject({
        id: message.id,
        body: 'revised windmill words',
        editedAt: 60,
        deletedAt: null,
      });
      expect(edited?.appended).toMatchObject([
        { userId: a.id, type: 'message-updated', messageId: message.id },
        { userId: b.id, type: 'message-updated', messageId: message.id },
      ]);
      expect(edited?.appended.every((event) => event.payload === null)).toBe(true);
      expect(await find(b.id, 'windmill')).toEqual([message.id]);
      expect(await find(b.id, 'lighthouse')).toEqual([]);
      const [read] = await store.messages.byIds([message.id]);
      expect(read).toMatchObject({ body: 'revised windmill words', editedAt: 60 });
    });

    it('deletes for everyone once: body erased from the row and the index, a tombstone stays', async () => {
      const { a, b, conversationId, send } = await newPair();
      const { message } = await send(a, b, 'secret quokka plans');
      expect(await store.messages.delete({ messageId: message.id, senderId: b.id, at: 70 })).toBe(
        null,
      );
      const deleted = await store.messages.delete({
        messageId: message.id,
        senderId: a.id,
        at: 70,
      });
      expect(deleted?.message).toMatchObject({ id: message.id, body: '', deletedAt: 70 });
      expect(deleted?.appended.map((event) => [event.userId, event.type])).toEqual([
        [a.id, 'message-updated'],
        [b.id, 'message-updated'],
      ]);
      expect(
        await store.messages.delete({ messageId: message.id, senderId: a.id, at: 71 }),
      ).toBeNull();
      expect(
        await store.messages.edit({ messageId: message.id, senderId: a.id, body: 'back', at: 72 }),
      ).toBeNull();
      expect(await find(a.id, 'quokka')).toEqual([]);
      const history = await store.messages.history(conversationId, null, 10);
      expect(history.map((m) => [m.id, m.body, m.deletedAt])).toEqual([[message.id, '', 70]]);
      const [listed] = (await store.conversations.listFor(a.id)).filter(
        (conversation) => conversation.id === conversationId,
      );
      expect(listed?.lastMessage).toMatchObject({ id: message.id, body: '', deletedAt: 70 });
    });

    it('reads a reply’s original as it is now: its current body, then deleted', async () => {
      const { a, b, conversationId, send } = await newPair();
      const { message: original } = await send(a, b, 'first version');
      const { message: reply } = await send(b, a, 'an answer', { replyToId: original.id });
      expect(reply.replyTo).toEqual({
        id: original.id,
        senderName: a.username,
        body: 'first version',
        deleted: false,
      });
      await store.messages.edit({
        messageId: original.id,
        senderId: a.id,
        body: 'second version',
        at: 80,
      });
      expect((await store.messages.byIds([reply.id]))[0]?.replyTo?.body).toBe('second version');
      await store.messages.delete({ messageId: original.id, senderId: a.id, at: 81 });
      const [, inHistory] = await store.messages.history(conversationId, null, 10);
      expect(inHistory?.replyTo).toEqual({
        id: original.id,
        senderName: a.username,
        body: '',
        deleted: true,
      });
      const [listed] = (await store.conversations.listFor(b.id)).filter(
        (conversation) => conversation.id === conversationId,
      );
      expect(listed?.lastMessage?.replyTo).toMatchObject({ id: original.id, deleted: true });
      expect((await store.messages.byIds([original.id]))[0]?.replyTo).toBeNull();
    });

    it('marks the recipient’s messages read up to an id, delivered too, and tells their sender once', async () => {
      const { a, b, conversationId, send } = await newPair();
      const { message: first } = await send(a, b, 'one');
      const { message: second } = await send(a, b, 'two');
      const { message: third } = await send(a, b, 'three');
      const { message: fromB } = await send(b, a, 'mine');
      await store.messages.markDelivered(b.id, [first.id], 90);
      const receipt = await store.messages.markRead(b.id, conversationId, second.id, 100);
      expect(receipt.upToMessageId).toBe(second.id);
      expect(receipt.appended).toHaveLength(1);
      expect(receipt.appended[0]).toMatchObject({
        userId: a.id,
        type: 'read',
        conversationId,
        messageId: null,
      });
      expect(JSON.parse(receipt.appended[0]!.payload ?? 'null')).toEqual({
        upToMessageId: second.id,
        at: 100,
      });
      const after = await store.messages.byIds([first.id, second.id, third.id, fromB.id]);
      expect(after.map((m) => [m.status, m.deliveredAt])).toEqual([
        ['read', 90],
        ['read', 100],
        ['pending', null],
        ['pending', null],
      ]);
      expect(await store.messages.markRead(b.id, conversationId, second.id, 110)).toEqual({
        upToMessageId: null,
        appended: [],
      });
      // Read messages leave the offline queue.
      const waiting = await store.events.undelivered(b.id, null, 10);
      expect(waiting.map((event) => event.messageId)).toEqual([third.id]);
    });
  });

  describe('settings and password history (Release 2)', () => {
    it('starts with both settings on and changes only those given', async () => {
      const user = await newUser('settings');
      expect(await store.users.settings(user.id)).toEqual({
        readReceipts: true,
        typingIndicators: true,
      });
      expect(await store.users.updateSettings(user.id, { readReceipts: false })).toEqual({
        readReceipts: false,
        typingIndicators: true,
      });
      expect(await store.users.updateSettings(user.id, {})).toEqual({
        readReceipts: false,
        typingIndicators: true,
      });
      expect(await store.users.updateSettings(user.id, { typingIndicators: false })).toEqual({
        readReceipts: false,
        typingIndicators: false,
      });
      expect(await store.users.settings('nobody')).toBeNull();
      expect(await store.users.updateSettings('nobody', { readReceipts: true })).toBeNull();
    });

    it('changes the password from the expected hash only, keeps the newest hashes, ends the other sessions', async () => {
      const user = await newUser('pw');
      const session = (id: string) => ({
        id,
        userId: user.id,
        refreshTokenHash: `h-${randomUUID()}`,
        createdAt: 1,
        userAgent: null,
        ip: null,
      });
      const [kept, other] = [randomUUID(), randomUUID()];
      await store.sessions.create(session(kept));
      await store.sessions.create(session(other));
      const change = (expectedHash: string, newHash: string, at: number) =>
        store.users.changePassword({
          userId: user.id,
          expectedHash,
          newHash,
          at,
          historyDepth: 3,
          keepSessionId: kept,
        });
      expect(await change('wrong', 'h1', 10)).toBeNull();
      expect(await change('hash', 'h1', 10)).toEqual({ endedSessionIds: [other] });
      expect((await store.sessions.findById(kept))?.revokedAt).toBeNull();
      expect((await store.sessions.findById(other))?.revokedAt).toBe(10);
      expect((await store.users.findById(user.id))?.passwordHash).toBe('h1');
      for (const [index, next] of ['h2', 'h3', 'h4', 'h5'].entries()) {
        expect(await change(`h${index + 1}`, next, 20 + index)).toEqual({ endedSessionIds: [] });
      }
      expect(await store.users.passwordHistory(user.id, 10)).toEqual(['h4', 'h3', 'h2']);
      expect(await store.users.passwordHistory(user.id, 2)).toEqual(['h4', 'h3']);
      await store.users.deleteAccount(user.id, 99);
      expect(await store.users.passwordHistory(user.id, 10)).toEqual([]);
    });
  });

  describe('rate limiter', () => {
    const prefix = () => `p${randomUUID().slice(0, 8)}`;

    it('allows the points of a window, then refuses with the time left', async () => {
      const limiter = store.createRateLimiter({ keyPrefix: prefix(), points: 3, duration: 60 });
      const results = await Promise.all([1, 2, 3].map(() => limiter.consume('k')));
      expect(results.map((res) => res.remainingPoints).sort()).toEqual([0, 1, 2]);
      const refused = await refusal(limiter.consume('k'));
      expect(refused).toBeInstanceOf(RateLimiterRes);
      expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(58_000);
      expect((refused as RateLimiterRes).msBeforeNext).toBeLessThanOrEqual(60_000);
      await expect(limiter.consume('other')).resolves.toBeInstanceOf(RateLimiterRes);
    });

    it('shares counts with another store on the same database, per key prefix', async () => {
      const keyPrefix = prefix();
      await store.createRateLimiter({ keyPrefix, points: 2, duration: 60 }).consume('k', 2);
      // SQLite: the process that owns the file writes its counts every second.
      if (store.dialect === 'sqlite') await new Promise((resolve) => setTimeout(resolve, 1200));
      const second = await database.open();
      const again = second.createRateLimiter({ keyPrefix, points: 2, duration: 60 });
      expect(await refusal(again.consume('k'))).toBeInstanceOf(RateLimiterRes);
      const otherPrefix = second.createRateLimiter({
        keyPrefix: prefix(),
        points: 2,
        duration: 60,
      });
      await expect(otherPrefix.consume('k')).resolves.toBeInstanceOf(RateLimiterRes);
    });

    it('gives points back with reward, reads with get, forgets with delete', async () => {
      const limiter = store.createRateLimiter({ keyPrefix: prefix(), points: 2, duration: 60 });
      await limiter.consume('k', 2);
      await limiter.reward('k', 1);
      expect((await limiter.get('k'))?.consumedPoints).toBe(1);
      expect(await limiter.delete('k')).toBe(true);
      expect(await limiter.get('k')).toBeNull();
      expect(await limiter.delete('k')).toBe(false);
    });

    it('starts a new window once the old one has expired', async () => {
      const limiter = store.createRateLimiter({ keyPrefix: prefix(), points: 1, duration: 1 });
      await limiter.consume('k');
      expect(await refusal(limiter.consume('k'))).toBeInstanceOf(RateLimiterRes);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const fresh = await limiter.consume('k');
      expect(fresh.consumedPoints).toBe(1);
      expect(fresh.isFirstInDuration).toBe(true);
    });

    it('blocks a key that ran out for blockDuration', async () => {
      const limiter = store.createRateLimiter({
        keyPrefix: prefix(),
        points: 1,
        duration: 1,
        blockDuration: 120,
      });
      await limiter.consume('k');
      const refused = (await refusal(limiter.consume('k'))) as RateLimiterRes;
      expect(refused.msBeforeNext).toBeGreaterThan(100_000);
    });
  });

  describe('presence leases', () => {
    it('holds, extends, releases and sweeps leases per process', async () => {
      const [u1, u2, u3]: [string, string, string] = [randomUUID(), randomUUID(), randomUUID()];
      const leases = store.presenceLeases;
      await leases.hold('p1', [u1, u2], 1000);
      await leases.hold('p2', [u2, u3], 2000);
      expect(await leases.onlineAmong([u1, u2, u3, 'nobody'], 500)).toEqual(new Set([u1, u2, u3]));
      expect(await leases.onlineAmong([u1, u2, u3], 1000)).toEqual(new Set([u2, u3]));
      await leases.hold('p1', [u1], 3000); // extended
      expect(await leases.onlineAmong([u1], 2500)).toEqual(new Set([u1]));
      await leases.release('p2', [u3]);
      expect(await leases.onlineAmong([u3], 0)).toEqual(new Set());
      expect(await leases.onlineAmong([], 0)).toEqual(new Set());
      const swept = await leases.sweepExpired(2000);
      expect(swept.filter((id) => [u1, u2, u3].includes(id))).toEqual([u2]);
      expect(await leases.onlineAmong([u1, u2], 0)).toEqual(new Set([u1]));
      await leases.hold('p1', [], 1);
      await leases.release('p1', []);
    });
  });

  describe('files', () => {
    /** Deterministic bytes, delivered in uneven pieces (as a socket would). */
    const bytesOf = (size: number, seed = 1) => {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
      return bytes;
    };
    async function* pieces(bytes: Buffer, pieceSize = 100_000) {
      for (let offset = 0; offset < bytes.length; offset += pieceSize) {
        await Promise.resolve();
        yield bytes.subarray(offset, offset + pieceSize);
      }
    }
    const collect = async (chunks: AsyncIterable<Uint8Array>) => {
      const parts: Buffer[] = [];
      for await (const chunk of chunks) parts.push(Buffer.from(chunk));
      return Buffer.concat(parts);
    };
    const upload = (
      uploaderId: string,
      bytes: Buffer,
      extra: { createdAt?: number; limitBytes?: number } = {},
    ) =>
      store.files.create(
        {
          id: randomUUID(),
          uploaderId,
          name: 'photo.png',
          contentType: 'image/png',
          createdAt: extra.createdAt ?? Date.now(),
          limitBytes: extra.limitBytes ?? 10 * 1024 * 1024,
        },
        pieces(bytes),
      );

    it('stores streamed bytes and reads them back whole and by range', async () => {
      const owner = await newUser('f');
      const bytes = bytesOf(600_000);
      const created = await upload(owner.id, bytes);
      expect(created.size).toBe(600_000);
      expect(created.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const found = await store.files.findById(created.id);
      expect(found).toEqual(created);
      expect((await collect(store.files.read(found!))).equals(bytes)).toBe(true);
      // Across the 256 KiB boundary of PostgreSQL's chunks, and the last byte alone.
      const across = { start: 262_100, end: 262_200 };
      expect(
        (await collect(store.files.read(found!, across))).equals(bytes.subarray(262_100, 262_201)),
      ).toBe(true);
      expect(
        (await collect(store.files.read(found!, { start: 599_999, end: 599_999 }))).equals(
          bytes.subarray(599_999),
        ),
      ).toBe(true);
      const empty = await upload(owner.id, Buffer.alloc(0));
      expect(empty.size).toBe(0);
      expect((await collect(store.files.read(empty))).length).toBe(0);
      expect(await store.files.storedBytesOf(owner.id)).toBe(600_000);
    });

    it('keeps nothing of an upload past its limit or cut off', async () => {
      const owner = await newUser('f');
      const before = await store.files.totals();
      const id = randomUUID();
      const refused = await refusal(
        store.files.create(
          {
            id,
            uploaderId: owner.id,
            name: 'x',
            contentType: 'text/plain',
            createdAt: 1,
            limitBytes: 300_000,
          },
          pieces(bytesOf(300_001)),
        ),
      );
      expect(refused).toBeInstanceOf(FileTooLargeError);
      expect(await store.files.findById(id)).toBeNull();
      async function* cutOff() {
        yield await Promise.resolve(bytesOf(270_000));
        throw new Error('the client went away');
      }
      const cutId = randomUUID();
      expect(
        await refusal(
          store.files.create(
            {
              id: cutId,
              uploaderId: owner.id,
              name: 'x',
              contentType: 'text/plain',
              createdAt: 1,
              limitBytes: 1e7,
            },
            cutOff(),
          ),
        ),
      ).toMatchObject({ message: 'the client went away' });
      expect(await store.files.findById(cutId)).toBeNull();
      expect(await store.files.totals()).toEqual(before);
      expect(await store.files.storedBytesOf(owner.id)).toBe(0);
    });

    it('attaches only the uploader’s unsent file, once; removes per message', async () => {
      const [owner, other] = [await newUser('f'), await newUser('g')];
      const file = await upload(owner.id, bytesOf(1000));
      expect(await store.files.attachToMessage(file.id, other.id, '900000077', 'conv')).toBe(false);
      expect(await store.files.attachToMessage(randomUUID(), owner.id, '900000077', 'conv')).toBe(
        false,
      );
      expect(await store.files.attachToMessage(file.id, owner.id, '900000077', 'conv')).toBe(true);
      expect(await store.files.attachToMessage(file.id, owner.id, '900000078', 'conv')).toBe(false);
      expect(await store.files.findById(file.id)).toMatchObject({
        messageId: '900000077',
        conversationId: 'conv',
      });
      // Sent files stay when the uploader's unsent ones go (account deletion).
      const unsent = await upload(owner.id, bytesOf(2000));
      expect(await store.files.removeUnsentOf(owner.id)).toBe(1);
      expect(await store.files.findById(unsent.id)).toBeNull();
      expect(await store.files.findById(file.id)).not.toBeNull();
      expect(await store.files.removeForMessage('900000077')).toBe(1);
      expect(await store.files.findById(file.id)).toBeNull();
      expect(await store.files.removeForMessage('900000077')).toBe(0);
    });

    it('a send attaches the sender’s unsent upload in its transaction; every read shows it', async () => {
      const { a, b, conversationId, send } = await newPair();
      const file = await upload(a.id, bytesOf(1234));
      const attachment = {
        fileId: file.id,
        name: 'photo.png',
        size: 1234,
        contentType: 'image/png',
      };
      const sent = await send(a, b, 'filewords caption', {
        fileId: file.id,
        clientId: 'with-file',
      });
      expect(sent.created).toBe(true);
      expect(sent.message.attachment).toEqual(attachment);
      // The live events carry it.
      expect(sent.appended.map((event) => event.message?.attachment)).toContainEqual(attachment);
      expect(await store.files.findById(file.id)).toMatchObject({
        messageId: sent.message.id,
        conversationId,
      });
      expect((await store.messages.history(conversationId, null, 10))[0]?.attachment).toEqual(
        attachment,
      );
      expect((await store.messages.byIds([sent.message.id]))[0]?.attachment).toEqual(attachment);
      const [listed] = await store.conversations.listFor(b.id);
      expect(listed?.lastMessage?.attachment).toEqual(attachment);
      const [hit] = await store.messages.search({
        ownerId: b.id,
        words: ['filewords'],
        conversationId: null,
        before: null,
        limit: 5,
      });
      expect(hit?.message.attachment).toEqual(attachment);
      const [statusChange] = await store.messages.markSent(b.id, [sent.message.id], 50);
      expect(statusChange?.message.attachment).toEqual(attachment);

      // A retried clientId answers the stored message and attaches nothing, not even another file.
      const other = await upload(a.id, bytesOf(10, 3));
      const retried = await send(a, b, 'filewords caption', {
        fileId: other.id,
        clientId: 'with-file',
      });
      expect(retried).toMatchObject({ created: false, appended: [] });
      expect(retried.message.attachment).toEqual(attachment);
      expect(await store.files.findById(other.id)).toMatchObject({ messageId: null });

      // A message without a file has none.
      expect((await send(a, b, 'plain')).message.attachment).toBeNull();
    });

    it('a send naming a file that is not the sender’s unsent upload stores nothing', async () => {
      const { a, b, conversationId, send } = await newPair();
      const theirs = await upload(b.id, bytesOf(100));
      const mine = await upload(a.id, bytesOf(100, 2));
      await send(a, b, 'first', { fileId: mine.id });
      const before = await store.messages.history(conversationId, null, 50);
      for (const fileId of [theirs.id, mine.id, randomUUID()]) {
        expect(await refusal(send(a, b, 'again', { fileId, clientId: 'refused' }))).toBeInstanceOf(
          FileNotAttachableError,
        );
      }
      expect(await store.messages.history(conversationId, null, 50)).toEqual(before);
      expect(await store.files.findById(theirs.id)).toMatchObject({ messageId: null });
      // Nothing of the refused send was kept: its clientId is still free.
      expect((await send(a, b, 'now', { clientId: 'refused' })).created).toBe(true);
    });

    it('a deleted message’s file goes with removeForMessage; the record then has none', async () => {
      const { a, b, send } = await newPair();
      const file = await upload(a.id, bytesOf(500, 9));
      const { message } = await send(a, b, '', { fileId: file.id });
      expect(message.body).toBe('');
      await store.messages.delete({ messageId: message.id, senderId: a.id, at: 99 });
      expect(await store.files.removeForMessage(message.id)).toBe(1);
      expect(await store.files.findById(file.id)).toBeNull();
      expect((await store.messages.byIds([message.id]))[0]).toMatchObject({
        deletedAt: 99,
        attachment: null,
      });
    });

    it('removes unsent uploads older than a cutoff; identical content outlives one of its files', async () => {
      const owner = await newUser('f');
      const bytes = bytesOf(300_000, 5);
      const old = await upload(owner.id, bytes, { createdAt: 1000 });
      const recent = await upload(owner.id, bytes, { createdAt: 5000 });
      const sentOld = await upload(owner.id, bytesOf(10), { createdAt: 1000 });
      await store.files.attachToMessage(sentOld.id, owner.id, '900000091', 'conv');
      const before = await store.files.totals();
      expect(await store.files.removeUnsentOlderThan(2000)).toBeGreaterThanOrEqual(1);
      expect(await store.files.findById(old.id)).toBeNull();
      expect(await store.files.findById(sentOld.id)).not.toBeNull();
      expect((await collect(store.files.read(recent))).equals(bytes)).toBe(true);
      const after = await store.files.totals();
      expect(after.count).toBeLessThanOrEqual(before.count - 1);
      expect(await store.files.storedBytesOf(owner.id)).toBe(300_010);
    });
  });

  describe('store', () => {
    it('answers ping, reports its size and pool figures', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.sizeBytes()).toBeGreaterThan(0);
      const stats = store.stats();
      expect(stats.poolMax).toBeGreaterThanOrEqual(1);
      expect(stats.queriesInFlight).toBe(0);
      expect(stats.queriesWaiting).toBe(0);
      expect(store.dialect).toBe(dialect.name);
    });
  });
});
