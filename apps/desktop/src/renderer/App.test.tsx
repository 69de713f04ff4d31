import { cleanup, fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import {
  FakeServerError,
  createFakeClient,
  fakePlatform,
  makeConversation,
  makeMessage,
} from './test/fake-client';

beforeEach(() => {
  window.location.hash = '';
});
afterEach(cleanup);

const type = (element: HTMLElement, value: string): void => {
  fireEvent.input(element, { target: { value } });
};

/** The options of every `checkConnection` call so far. */
const checks = (calls: Array<[string, unknown]>): unknown[] =>
  calls.filter(([name]) => name === 'checkConnection').map(([, options]) => options);

describe('sign up', () => {
  it('shows the password rules as a live checklist', async () => {
    window.location.hash = '#/signup';
    const fake = createFakeClient();
    render(() => <App client={fake.client} platform={fakePlatform()} />);
    const password = await screen.findByLabelText('Password');
    type(screen.getByLabelText('Username'), 'alice');
    type(password, 'abc');
    const rules = screen.getByRole('list', { name: 'Password rules' });
    const met = (rule: string) =>
      rules.querySelector(`[data-rule="${rule}"]`)?.getAttribute('data-met');
    expect(met('minLength')).toBe('false');
    expect(met('uppercase')).toBe('false');
    expect(met('lowercase')).toBe('true');
    expect(met('digit')).toBe('false');
    type(password, 'Alice12345');
    expect(met('minLength')).toBe('true');
    expect(met('uppercase')).toBe('true');
    expect(met('digit')).toBe('true');
    expect(met('notUsername')).toBe('false');
    // a weak password is not sent
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(fake.calls.filter(([name]) => name === 'register')).toEqual([]);
  });

  it('puts server errors next to their field', async () => {
    window.location.hash = '#/signup';
    const fake = createFakeClient();
    fake.data.registerError = new FakeServerError('Invalid input', {
      code: 'BAD_REQUEST',
      fieldErrors: {
        password: ['Not a commonly used password'],
        username: ['Only letters, digits, "_", "." and "-"'],
      },
    });
    render(() => <App client={fake.client} platform={fakePlatform()} />);
    type(await screen.findByLabelText('Username'), 'bob');
    type(screen.getByLabelText('Password'), 'Password123');
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    await waitFor(() =>
      expect(document.querySelector('[data-field-errors="password"]')).not.toBeNull(),
    );
    expect(document.querySelector('[data-field-errors="password"]')?.textContent).toContain(
      'Not a commonly used password',
    );
    expect(document.querySelector('[data-field-errors="username"]')?.textContent).toContain(
      'Only letters',
    );
    expect(document.querySelector('[data-rule="common"]')?.getAttribute('data-met')).toBe('false');
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');

    fake.data.registerError = new FakeServerError('That username is taken.', { code: 'CONFLICT' });
    type(screen.getByLabelText('Password'), 'Password124');
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    await waitFor(() =>
      expect(document.querySelector('[data-field-errors="username"]')?.textContent).toContain(
        'That username is taken.',
      ),
    );
  });
});

describe('signed in', () => {
  function signedIn() {
    const fake = createFakeClient({ user: { id: 'u-alice', username: 'alice', createdAt: 1 } });
    const bob = makeConversation({ peerName: 'bob', unreadCount: 2, lastMessage: null });
    const carol = makeConversation({ peerName: 'carol' });
    bob.lastMessage = makeMessage({
      conversationId: bob.id,
      body: 'are you there?',
      createdAt: 5_000,
    });
    carol.lastMessage = makeMessage({
      conversationId: carol.id,
      body: 'old news',
      createdAt: 2_000,
      senderId: 'u-carol',
      senderName: 'carol',
    });
    fake.data.conversations = [carol, bob];
    fake.data.messages[bob.id] = [bob.lastMessage];
    fake.data.messages[carol.id] = [carol.lastMessage];
    const platform = fakePlatform();
    render(() => <App client={fake.client} platform={platform} />);
    return { fake, bob, carol, platform };
  }

  it('lists conversations most recent first, with unread badge, preview, and live presence', async () => {
    const { fake, bob, carol, platform } = signedIn();
    const list = await screen.findByTestId('conversation-list');
    const names = () =>
      [...list.querySelectorAll('[data-conversation]')].map((a) =>
        a.getAttribute('data-conversation'),
      );
    expect(names()).toEqual(['bob', 'carol']);
    expect(within(list).getByText('are you there?')).toBeTruthy();
    expect(within(list).getByTestId('unread-badge').textContent).toContain('2');
    await waitFor(() => expect(platform.unread.at(-1)).toBe(2));

    // carol writes: she moves to the top with an unread badge; screen readers hear it
    fake.emit({
      type: 'message',
      message: makeMessage({
        conversationId: carol.id,
        senderId: 'u-carol',
        senderName: 'carol',
        body: 'news!',
        createdAt: 9_000,
      }),
    });
    expect(names()).toEqual(['carol', 'bob']);
    expect(screen.getByTestId('announcer').textContent).toBe('New message from carol: news!');
    await waitFor(() => expect(platform.unread.at(-1)).toBe(3));

    const dot = () => list.querySelector(`[data-conversation="bob"] [data-presence]`);
    expect(dot()?.getAttribute('aria-label')).toBe('Offline');
    fake.presence({ type: 'presence', userId: bob.peer.id ?? '', online: true, lastSeenAt: null });
    expect(dot()?.getAttribute('aria-label')).toBe('Online');
  });

  it('opens a conversation, sends with Enter, shows clock then check, keeps drafts per conversation', async () => {
    const { fake, bob, carol } = signedIn();
    const link = await screen.findByRole('link', { name: /bob/ });
    fireEvent.click(link);
    const composer = await screen.findByLabelText('Message');
    await waitFor(() =>
      expect(fake.calls.some(([name]) => name === 'conversations.markRead')).toBe(true),
    );

    // Enter on a blank box does nothing, and says nothing
    fireEvent.keyDown(composer, { key: 'Enter' });
    fireEvent.keyDown(composer, { key: 'Enter' });
    expect(fake.calls.filter(([name]) => name === 'send')).toEqual([]);
    expect(document.getElementById('composer-error')?.textContent).toBe('');

    type(composer, 'line one');
    fireEvent.keyDown(composer, { key: 'Enter', shiftKey: true });
    expect(fake.calls.filter(([name]) => name === 'send')).toEqual([]);
    fireEvent.keyDown(composer, { key: 'Enter' });
    expect(fake.calls.filter(([name]) => name === 'send')).toEqual([
      ['send', { conversationId: bob.id, body: 'line one' }],
    ]);
    expect((composer as HTMLTextAreaElement).value).toBe('');

    const entry = fake.client.outbox()[0]!;
    const status = () =>
      document.querySelector(`[data-client-id="${entry.clientId}"] [data-status]`);
    expect(status()?.getAttribute('data-status')).toBe('sending');
    expect(status()?.querySelector('[aria-label]')?.getAttribute('aria-label')).toBe(
      'On this device: not yet accepted by the server',
    );

    const stored = makeMessage({
      conversationId: bob.id,
      clientId: entry.clientId,
      senderId: 'u-alice',
      senderName: 'alice',
      body: 'line one',
      status: 'pending',
    });
    fake.updateOutbox(entry.clientId, { status: 'pending', message: stored });
    expect(status()?.getAttribute('data-status')).toBe('pending');
    expect(status()?.querySelector('[aria-label]')?.getAttribute('aria-label')).toBe(
      'Sent to the server: waiting for the recipient to connect',
    );
    fake.emit({
      type: 'status',
      conversationId: bob.id,
      messageId: stored.id,
      clientId: entry.clientId,
      status: 'delivered',
      at: Date.now(),
    });
    expect(status()?.getAttribute('data-status')).toBe('delivered');
    expect(status()?.querySelector('[aria-label]')?.getAttribute('aria-label')).toBe('Delivered');

    // draft per conversation
    type(screen.getByLabelText('Message'), 'half a thought');
    fireEvent.click(screen.getByRole('link', { name: /carol/ }));
    await waitFor(() => expect(screen.getByTestId('peer-name').textContent).toBe('carol'));
    expect(screen.getByLabelText<HTMLTextAreaElement>('Message').value).toBe('');
    fireEvent.click(screen.getByRole('link', { name: /bob/ }));
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLTextAreaElement>('Message').value).toBe('half a thought'),
    );
    expect(carol.id).not.toBe(bob.id);
  });

  it('shows a counter near the limit and refuses over-long messages', async () => {
    const { fake } = signedIn();
    fireEvent.click(await screen.findByRole('link', { name: /bob/ }));
    const composer = await screen.findByLabelText('Message');
    type(composer, 'x'.repeat(4400));
    expect(screen.queryByTestId('char-counter')).toBeNull();
    type(composer, '😀'.repeat(4600));
    expect(screen.getByTestId('char-counter').textContent).toBe('4600 / 5000');
    type(composer, '😀'.repeat(5001));
    fireEvent.keyDown(composer, { key: 'Enter' });
    expect(screen.getByText('This message is 1 character over the 5000 limit.')).toBeTruthy();
    expect(fake.calls.filter(([name]) => name === 'send')).toEqual([]);
  });

  it('Alt+ArrowDown and Alt+ArrowUp switch conversations; Ctrl+K opens search, Esc closes it', async () => {
    signedIn();
    await screen.findByTestId('conversation-list');
    fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true });
    await waitFor(() => expect(screen.getByTestId('peer-name').textContent).toBe('bob'));
    fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true });
    await waitFor(() => expect(screen.getByTestId('peer-name').textContent).toBe('carol'));
    fireEvent.keyDown(window, { key: 'ArrowUp', altKey: true });
    await waitFor(() => expect(screen.getByTestId('peer-name').textContent).toBe('bob'));
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(await screen.findByRole('dialog', { name: 'Search messages' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('search highlights matches, jumps to the message, and says when nothing matches', async () => {
    const { fake, bob } = signedIn();
    await screen.findByTestId('conversation-list');
    const target = fake.data.messages[bob.id]![0]!;
    fake.data.searchResults = {
      results: [
        {
          message: target,
          conversation: { id: bob.id, peer: bob.peer },
          snippet: 'are you there?',
          highlights: [[8, 13]],
        },
      ],
      nextBefore: null,
    };
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    type(await screen.findByRole('searchbox', { name: 'Search messages' }), 'there');
    const results = await screen.findByTestId('search-results', {}, { timeout: 2000 });
    expect(results.querySelector('mark')?.textContent).toBe('there');
    // the keyboard reaches the results from the search box
    fireEvent.keyDown(screen.getByRole('searchbox', { name: 'Search messages' }), {
      key: 'ArrowDown',
    });
    expect(document.activeElement).toBe(within(results).getByRole('button'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search messages' }));
    fireEvent.click(within(results).getByRole('button'));
    await waitFor(() => expect(window.location.hash).toBe(`#/chats/${bob.id}/${target.id}`));
    await waitFor(() =>
      expect(
        document
          .querySelector(`[data-message-id="${target.id}"]`)
          ?.classList.contains('flash-target'),
      ).toBe(true),
    );

    fake.data.searchResults = { results: [], nextBefore: null };
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    type(await screen.findByRole('searchbox', { name: 'Search messages' }), 'zebra');
    expect((await screen.findByTestId('no-results', {}, { timeout: 2000 })).textContent).toContain(
      'No results for “zebra”',
    );
  });

  it('after logout the back button shows no chats', async () => {
    const { fake } = signedIn();
    fireEvent.click(await screen.findByRole('link', { name: /bob/ }));
    await screen.findByLabelText('Message');
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    await screen.findByRole('button', { name: 'Log in' });
    expect(fake.calls.some(([name]) => name === 'logout')).toBe(true);
    window.history.back();
    await new Promise((resolve) => setTimeout(resolve, 50));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await screen.findByRole('button', { name: 'Log in' });
    expect(screen.queryByTestId('conversation-list')).toBeNull();
    expect(document.body.textContent).not.toContain('are you there?');
  });

  it('shows "Deleted User" and stops replies when the peer deletes their account', async () => {
    const { fake, bob } = signedIn();
    fireEvent.click(await screen.findByRole('link', { name: /bob/ }));
    await screen.findByText('are you there?', { selector: '[data-testid="body"]' });
    fake.emit({ type: 'peer-deleted', conversationId: bob.id });
    await waitFor(() => expect(screen.getByTestId('peer-name').textContent).toBe('Deleted User'));
    // a one-to-one chat names nobody above the bubbles; screen readers hear who wrote each one
    expect(screen.queryByTestId('sender')).toBeNull();
    expect(document.querySelector('li[data-mine="false"] .sr-only')?.textContent).toBe(
      'Deleted User: ',
    );
    expect(screen.queryByLabelText('Message')).toBeNull();
    expect(screen.getByText('You can no longer reply: this account was deleted.')).toBeTruthy();
  });

  it('shows the connection banner while reconnecting, then hides it', async () => {
    const { fake } = signedIn();
    await screen.findByTestId('conversation-list');
    fake.setConnection({ kind: 'reconnecting', retryAt: Date.now() + 4_200 });
    expect(screen.getByRole('status').textContent).toMatch(/Reconnecting in [45] s/);
    fake.setConnection({ kind: 'offline' });
    expect(screen.getByRole('status').textContent).toContain('Offline');
    fake.setConnection({ kind: 'online' });
    expect(document.querySelector('[data-connection]')).toBeNull();
  });

  it('says so at once when the browser goes offline, shows presence as unknown, and checks the connection when it is back', async () => {
    const { fake } = signedIn();
    const list = await screen.findByTestId('conversation-list');
    const dot = () => list.querySelector(`[data-conversation="bob"] [data-presence]`);
    expect(dot()?.getAttribute('data-presence')).toBe('offline');
    window.dispatchEvent(new Event('offline'));
    expect(screen.getByRole('status').textContent).toContain('You are offline');
    expect(dot()?.getAttribute('data-presence')).toBe('unknown');
    expect(checks(fake.calls)).toEqual([]);
    window.dispatchEvent(new Event('online'));
    expect(checks(fake.calls)).toEqual([{ timeoutMs: 3_000 }]);
    expect(document.querySelector('[data-connection]')).toBeNull();

    // "Retry now" while a reconnect waits
    fake.setConnection({ kind: 'reconnecting', retryAt: Date.now() + 4_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(fake.calls.filter(([name]) => name === 'reconnectNow')).toHaveLength(1);
  });

  it('checks the connection at once (3 s to answer) when the window gets focus or the page becomes visible', async () => {
    const { fake } = signedIn();
    await screen.findByTestId('conversation-list');
    expect(checks(fake.calls)).toEqual([]);
    window.dispatchEvent(new Event('focus'));
    expect(checks(fake.calls)).toEqual([{ timeoutMs: 3_000 }]);

    let visibility: DocumentVisibilityState = 'hidden';
    const descriptor = Object.getOwnPropertyDescriptor(document, 'visibilityState');
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => visibility,
    });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      expect(checks(fake.calls)).toHaveLength(1); // hidden: nobody is looking
      visibility = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      expect(checks(fake.calls)).toEqual([{ timeoutMs: 3_000 }, { timeoutMs: 3_000 }]);
    } finally {
      if (descriptor) Object.defineProperty(document, 'visibilityState', descriptor);
      else delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState;
    }

    // Unmounted: no more checks
    cleanup();
    window.dispatchEvent(new Event('focus'));
    expect(checks(fake.calls)).toHaveLength(2);
  });
});
