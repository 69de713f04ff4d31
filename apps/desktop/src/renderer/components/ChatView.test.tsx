import { cleanup, fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeMessage } from '../test/fake-client';
import { mine, openChatWithBob, row } from '../test/signed-in';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const statusOf = (messageId: string): string | null | undefined =>
  row(messageId).querySelector('[data-status]')?.getAttribute('data-status');
const markReads = (calls: Array<[string, unknown]>) =>
  calls.filter(([name]) => name === 'conversations.markRead').map(([, input]) => input);

describe('conversation view', () => {
  it('shows "bob is typing…" in the header and the list while bob types, and not after', async () => {
    const { fake, bob } = await openChatWithBob();
    const header = () => screen.getByTestId('peer-status');
    const listRow = () =>
      within(screen.getByTestId('conversation-list')).getByRole('link', { name: /bob/ });
    expect(header().textContent).toBe('Offline');
    fake.presence({ type: 'typing', conversationId: bob.id, userId: 'u-bob', typing: true });
    expect(header().textContent).toBe('bob is typing…');
    expect(within(listRow()).getByTestId('typing').textContent).toBe('bob is typing…');
    // someone else's typing in this conversation id (not the peer) is ignored
    fake.presence({ type: 'typing', conversationId: bob.id, userId: 'u-mallory', typing: false });
    expect(header().textContent).toBe('bob is typing…');
    fake.presence({ type: 'typing', conversationId: bob.id, userId: 'u-bob', typing: false });
    expect(header().textContent).toBe('Offline');
    expect(within(listRow()).queryByTestId('typing')).toBeNull();

    // a message from bob ends it at once, and so does a lost connection
    fake.presence({ type: 'typing', conversationId: bob.id, userId: 'u-bob', typing: true });
    fake.emit({
      type: 'message',
      message: makeMessage({ conversationId: bob.id, body: 'there' }),
    });
    expect(header().textContent).toBe('Offline');
    fake.presence({ type: 'typing', conversationId: bob.id, userId: 'u-bob', typing: true });
    fake.setConnection({ kind: 'reconnecting', retryAt: Date.now() + 3_000 });
    expect(within(listRow()).queryByTestId('typing')).toBeNull();
  });

  it('turns our ticks "read" on a read event, up to its message only', async () => {
    const { fake, bob } = await openChatWithBob((c) => [
      mine(c, { id: '1', body: 'one' }),
      mine(c, { id: '2', body: 'two' }),
      mine(c, { id: '3', body: 'three' }),
    ]);
    expect(['1', '2', '3'].map(statusOf)).toEqual(['delivered', 'delivered', 'delivered']);
    fake.emit({ type: 'read', conversationId: bob.id, upToMessageId: '2', at: Date.now() });
    expect(['1', '2', '3'].map(statusOf)).toEqual(['read', 'read', 'delivered']);
    expect(row('1').querySelector('[data-status] [aria-label]')?.getAttribute('aria-label')).toBe(
      'Read',
    );
    // a late delivered status does not take it back
    fake.emit({
      type: 'status',
      conversationId: bob.id,
      messageId: '1',
      clientId: 'client-1',
      status: 'delivered',
      at: Date.now(),
    });
    expect(statusOf('1')).toBe('read');
  });

  it('shows the peer’s edits and deletes as they happen, and quotes follow them', async () => {
    const { fake, bob } = await openChatWithBob((c) => [
      makeMessage({ conversationId: c, id: 'q', body: 'Meet at 8?' }),
      mine(c, {
        id: 'a',
        body: 'Sure',
        replyTo: { id: 'q', senderName: 'bob', excerpt: 'Meet at 8?', deleted: false },
      }),
    ]);
    const quote = () => within(row('a')).getByTestId('reply-quote');
    expect(quote().textContent).toBe('bobMeet at 8?');
    const original = fake.data.messages[bob.id]![0]!;
    fake.emit({
      type: 'message-updated',
      message: { ...original, body: 'Meet at 9?', editedAt: Date.now() },
    });
    expect(within(row('q')).getByTestId('body').textContent).toBe('Meet at 9?');
    expect(within(row('q')).getByTestId('edited')).toBeTruthy();
    expect(quote().textContent).toBe('bobMeet at 9?');
    fake.emit({
      type: 'message-updated',
      message: { ...original, body: '', deletedAt: Date.now() },
    });
    expect(within(row('q')).getByTestId('tombstone').textContent).toBe('This message was deleted');
    expect(within(row('q')).queryByTestId('edited')).toBeNull();
    expect(quote().textContent).toBe('bobOriginal message deleted');
    // the list's preview of the last message follows too
    fake.emit({
      type: 'message-updated',
      message: { ...fake.data.messages[bob.id]![1]!, body: '', deletedAt: Date.now() },
    });
    expect(within(screen.getByTestId('conversation-list')).getByTestId('preview').textContent).toBe(
      'You: This message was deleted',
    );
  });

  it('a deleted message leaves no text behind: not in the list preview, not in the announcer', async () => {
    const { fake, bob } = await openChatWithBob((c) => [mine(c, { id: 'ours', body: 'first' })]);
    const incoming = makeMessage({ conversationId: bob.id, id: 'secret', body: 'my PIN is 1234' });
    fake.emit({ type: 'message', message: incoming });
    expect(screen.getByTestId('announcer').textContent).toContain('my PIN is 1234');
    fake.emit({
      type: 'message-updated',
      message: { ...incoming, body: '', deletedAt: Date.now() },
    });
    expect(screen.getByTestId('announcer').textContent).toBe('');
    expect(document.body.textContent).not.toContain('my PIN is 1234');

    // our own delete, answered by the server before (or without) its event: the preview follows too
    fake.data.messages[bob.id]!.push(mine(bob.id, { id: 'last', body: 'oops' }));
    fake.emit({ type: 'message', message: mine(bob.id, { id: 'last', body: 'oops' }) });
    fireEvent.click(within(row('last')).getByTestId('message-menu-button'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Delete for everyone' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Delete for everyone',
      }),
    );
    await waitFor(() => expect(within(row('last')).getByTestId('tombstone')).toBeTruthy());
    expect(within(screen.getByTestId('conversation-list')).getByTestId('preview').textContent).toBe(
      'You: This message was deleted',
    );
    expect(document.body.textContent).not.toContain('oops');
  });

  it('clicking a quote loads older pages until the original is there, then shows and highlights it', async () => {
    const { fake } = await openChatWithBob(
      (c) =>
        Array.from({ length: 30 }, (_, i) =>
          i === 29
            ? mine(c, {
                id: 'm29',
                body: 'agreed',
                createdAt: 1_000 + i,
                replyTo: { id: 'm02', senderName: 'bob', excerpt: 'message 2', deleted: false },
              })
            : makeMessage({
                conversationId: c,
                id: `m${String(i).padStart(2, '0')}`,
                body: `message ${i}`,
                createdAt: 1_000 + i,
              }),
        ),
      { pageSize: 10 },
    );
    await waitFor(() => expect(document.querySelector('li[data-message-id="m29"]')).not.toBeNull());
    expect(document.querySelector('li[data-message-id="m02"]')).toBeNull();
    const quote = within(row('m29')).getByTestId('reply-quote');
    expect(quote.getAttribute('aria-label')).toBe(
      'In reply to bob: message 2. Show the original message.',
    );
    fireEvent.click(quote);
    await waitFor(() => expect(row('m02').classList.contains('flash-target')).toBe(true));
    expect(document.activeElement).toBe(row('m02'));
    const pages = fake.calls.filter(([name]) => name === 'messages.history');
    expect(pages.length).toBe(3); // newest page, then two older ones
  });

  it('marks read only while the window is focused, up to what was on screen', async () => {
    const focus = vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    const { fake, bob } = await openChatWithBob(
      (c) => [makeMessage({ conversationId: c, id: '7', body: 'unread one' })],
      { unreadCount: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(markReads(fake.calls)).toEqual([]);
    focus.mockReturnValue(true);
    window.dispatchEvent(new Event('focus'));
    await waitFor(() =>
      expect(markReads(fake.calls)).toEqual([{ conversationId: bob.id, upToMessageId: '7' }]),
    );

    // a new message while the window is in the background: not read until it is focused again
    focus.mockReturnValue(false);
    fake.emit({ type: 'message', message: makeMessage({ conversationId: bob.id, id: '8' }) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(markReads(fake.calls)).toHaveLength(1);
    expect(
      within(screen.getByTestId('conversation-list')).getByTestId('unread-badge').textContent,
    ).toContain('1');
    focus.mockReturnValue(true);
    window.dispatchEvent(new Event('focus'));
    await waitFor(() =>
      expect(markReads(fake.calls).at(-1)).toEqual({ conversationId: bob.id, upToMessageId: '8' }),
    );
    // nothing new: focusing again sends nothing
    window.dispatchEvent(new Event('focus'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(markReads(fake.calls)).toHaveLength(2);
  });
});
