import type { Message, PresenceEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { eventually, password, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pair() {
  const a = env.client(env.server.url);
  const b = env.client(env.server.url);
  await a.client.register(username('alice'), password);
  await b.client.register(username('bob'), password);
  const conversation = await a.client.api.conversations.open.mutate({ userId: b.user().id });
  await eventually(() => expect(a.client.connection().kind).toBe('online'));
  await eventually(() => expect(b.client.connection().kind).toBe('online'));
  return { a, b, conversation };
}

/** The stored message of an outbox entry, once the server has answered. */
async function stored(client: ReturnType<typeof env.client>, clientId: string): Promise<Message> {
  return eventually(() => {
    const message = client.client.outbox().find((e) => e.clientId === clientId)?.message;
    expect(message).toBeTruthy();
    return message!;
  });
}

const updates = (c: ReturnType<typeof env.client>) =>
  c.events.flatMap(({ event }) => (event.type === 'message-updated' ? [event.message] : []));

describe('Release 2 through the client, on a real server', () => {
  it('replies, edits and deletes reach both sides as typed events; quotes follow', async () => {
    const { a, b, conversation } = await pair();
    const question = await stored(a, a.client.send(conversation.id, 'Lunch on Friday?').clientId);
    const reply = b.client.send(conversation.id, 'Yes, at noon', { replyToId: question.id });
    expect(reply.replyToId).toBe(question.id);
    const received = await eventually(() => {
      const m = a.messages().find((x) => x.clientId === reply.clientId);
      expect(m).toBeDefined();
      return m!;
    });
    expect(received.replyTo).toEqual({
      id: question.id,
      senderName: a.user().username,
      excerpt: 'Lunch on Friday?',
      deleted: false,
    });

    const edited = await a.client.messages.edit(question.id, 'Lunch on Saturday?');
    expect(edited).toMatchObject({ id: question.id, body: 'Lunch on Saturday?' });
    expect(edited.editedAt).toEqual(expect.any(Number));
    await eventually(() =>
      expect(updates(b).at(-1)).toMatchObject({ id: question.id, body: 'Lunch on Saturday?' }),
    );
    // the sender's outbox entry shows the message as it is now
    expect(a.client.outbox().find((e) => e.message?.id === question.id)?.body).toBe(
      'Lunch on Saturday?',
    );

    await a.client.messages.delete(question.id);
    await a.client.messages.delete(question.id); // twice is fine
    await eventually(() =>
      expect(updates(b).at(-1)).toMatchObject({
        id: question.id,
        body: '',
        deletedAt: expect.any(Number),
      }),
    );
    const history = await b.client.api.messages.history.query({ conversationId: conversation.id });
    expect(
      history.messages.map((m) => [m.body, m.deletedAt !== null, m.replyTo?.deleted ?? null]),
    ).toEqual([
      ['', true, null],
      ['Yes, at noon', false, true],
    ]);

    // only your own messages; the server's reason comes through
    const refused = await b.client.messages.edit(question.id, 'mine now').catch((e: unknown) => e);
    expect(describeError(refused).code).toMatch(/FORBIDDEN|BAD_REQUEST/);
  });

  it('a read event turns the sender’s entries read; with receipts off they stay delivered', async () => {
    const { a, b, conversation } = await pair();
    const entry = a.client.send(conversation.id, 'read me');
    const message = await stored(a, entry.clientId);
    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('delivered'));
    await b.client.api.conversations.markRead.mutate({
      conversationId: conversation.id,
      upToMessageId: message.id,
    });
    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('read'));
    expect(a.events.map(({ event }) => event)).toContainEqual(
      expect.objectContaining({
        type: 'read',
        conversationId: conversation.id,
        upToMessageId: message.id,
      }),
    );

    expect(await b.client.account.settings()).toEqual({
      readReceipts: true,
      typingIndicators: true,
    });
    expect(await b.client.account.updateSettings({ readReceipts: false })).toEqual({
      readReceipts: false,
      typingIndicators: true,
    });
    const second = a.client.send(conversation.id, 'and me');
    const secondMessage = await stored(a, second.clientId);
    await eventually(() =>
      expect(a.client.outbox().find((e) => e.clientId === second.clientId)?.status).toBe(
        'delivered',
      ),
    );
    await b.client.api.conversations.markRead.mutate({
      conversationId: conversation.id,
      upToMessageId: secondMessage.id,
    });
    await sleep(1_500);
    expect(a.client.outbox().find((e) => e.clientId === second.clientId)?.status).toBe('delivered');
  });

  it('the typing helper shows the peer typing, throttled, and stops', async () => {
    const { a, b, conversation } = await pair();
    const seen: PresenceEvent[] = [];
    a.client.onPresence((event) => {
      if (event.type === 'typing') seen.push(event);
    });
    for (let i = 0; i < 10; i++) {
      b.client.typing.typed(conversation.id);
      await sleep(50);
    }
    await eventually(() =>
      expect(seen.at(-1)).toEqual({
        type: 'typing',
        conversationId: conversation.id,
        userId: b.user().id,
        typing: true,
      }),
    );
    b.client.typing.stopped();
    await eventually(() => expect(seen.at(-1)).toMatchObject({ typing: false }));
    // a send ends it too, without a typing:false of the client's own
    b.client.typing.typed(conversation.id);
    await eventually(() => expect(seen.at(-1)).toMatchObject({ typing: true }));
    b.client.send(conversation.id, 'done typing');
    await eventually(() => expect(seen.at(-1)).toMatchObject({ typing: false }));
  });

  it('changing the password keeps this client going (also after a restart) and ends the other sessions', async () => {
    const storage = env.fileStorage('change-password.json');
    const a1 = env.client(env.server.url, { storage });
    const a2 = env.client(env.server.url);
    const name = username('alice');
    await a1.client.register(name, password);
    await a2.client.login(name, password);
    await eventually(() => expect(a2.client.connection().kind).toBe('online'));
    const signedOut: unknown[] = [];
    a2.client.onAuthChange((user) => signedOut.push(user));

    const next = 'N3w-Passw0rd-for-alice!';
    const user = await a1.client.account.changePassword(password, next);
    expect(user.username).toBe(name);
    expect((await a1.client.api.auth.me.query()).username).toBe(name);
    await eventually(() => expect(a2.closeCodes).toContain(4001));
    await eventually(() => expect(signedOut).toContain(null));

    // the stored session is the new one: a restart resumes it
    await a1.client.flush();
    a1.client.close();
    const restarted = env.client(env.server.url, { storage });
    expect((await restarted.client.restore())?.username).toBe(name);

    const wrong = env.client(env.server.url);
    expect(
      describeError(await wrong.client.login(name, password).catch((e: unknown) => e)).code,
    ).toBe('UNAUTHORIZED');
    expect((await wrong.client.login(name, next)).username).toBe(name);
    // a wrong current password is an answer, not a refused token: no refresh, no second attempt
    const refreshes = restarted.client.stats().refreshes;
    const refused = await restarted.client.account
      .changePassword('not-the-password', 'An0ther-Passw0rd!')
      .catch((e: unknown) => e);
    expect(describeError(refused).code).toBe('UNAUTHORIZED');
    expect(describeError(refused).fieldErrors?.currentPassword?.length).toBe(1);
    expect(restarted.client.stats().refreshes).toBe(refreshes);
    expect(restarted.client.user()?.username).toBe(name);
  });
});
