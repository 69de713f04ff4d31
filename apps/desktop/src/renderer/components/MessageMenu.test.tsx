import { cleanup, fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMessage } from '../test/fake-client';
import { mine, openChatWithBob, row } from '../test/signed-in';

afterEach(cleanup);

const type = (element: HTMLElement, value: string): void => {
  fireEvent.input(element, { target: { value } });
};
const menuButton = (messageId: string): HTMLElement =>
  within(row(messageId)).getByTestId('message-menu-button');
const menuItems = (): string[] =>
  within(screen.getByRole('menu'))
    .getAllByRole('menuitem')
    .map((item) => item.textContent ?? '');

describe('message menu', () => {
  it('opens from its button with the keyboard; arrows move, Escape closes and gives focus back', async () => {
    await openChatWithBob((c) => [
      makeMessage({ conversationId: c, id: 'theirs', body: 'hi alice' }),
      mine(c, { id: 'ours', body: 'hi bob', createdAt: Date.now() }),
    ]);
    const button = menuButton('ours');
    expect(button.getAttribute('aria-label')).toBe('Actions for your message');
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(menuItems()).toEqual(['Reply', 'Edit', 'Delete for everyone', 'Copy text']);
    const items = within(screen.getByRole('menu')).getAllByRole('menuitem');
    await waitFor(() => expect(document.activeElement).toBe(items[0]));
    fireEvent.keyDown(items[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(items[1]!, { key: 'ArrowUp' });
    fireEvent.keyDown(items[0]!, { key: 'ArrowUp' }); // wraps to the last
    expect(document.activeElement).toBe(items[3]);
    fireEvent.keyDown(items[3]!, { key: 'Home' });
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(items[0]!, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);

    // the peer's message: no edit or delete
    fireEvent.click(menuButton('theirs'));
    expect(menuButton('theirs').getAttribute('aria-label')).toBe('Actions for bob’s message');
    expect(menuItems()).toEqual(['Reply', 'Copy text']);
    // a click elsewhere closes it
    fireEvent.pointerDown(document.body);
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('opens on right-click and on a long press, not on a short touch', async () => {
    await openChatWithBob((c) => [makeMessage({ conversationId: c, id: 'm1', body: 'hello' })]);
    const bubble = within(row('m1')).getByTestId('bubble');
    fireEvent.contextMenu(bubble);
    expect(screen.getByRole('menu')).toBeTruthy();
    fireEvent.keyDown(screen.getAllByRole('menuitem')[0]!, { key: 'Escape' });

    fireEvent.pointerDown(bubble, { pointerType: 'touch', clientX: 10, clientY: 10 });
    fireEvent.pointerUp(bubble, { pointerType: 'touch' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.pointerDown(bubble, { pointerType: 'touch', clientX: 10, clientY: 10 });
    await waitFor(() => expect(screen.getByRole('menu')).toBeTruthy(), { timeout: 1500 });
  });

  it('offers no edit past the edit window (24 h), and nothing on a deleted message', async () => {
    const old = Date.now() - 25 * 60 * 60 * 1000;
    await openChatWithBob((c) => [
      mine(c, { id: 'old', body: 'yesterday', createdAt: old }),
      mine(c, { id: 'gone', body: '', deletedAt: Date.now() }),
    ]);
    fireEvent.click(menuButton('old'));
    expect(menuItems()).toEqual(['Reply', 'Delete for everyone', 'Copy text']);
    expect(within(row('gone')).queryByTestId('message-menu-button')).toBeNull();
    expect(within(row('gone')).getByTestId('tombstone').textContent).toBe(
      'This message was deleted',
    );
  });

  it('edits in the composer: Escape cancels and the draft comes back; Enter saves and marks it edited', async () => {
    const { fake, bob } = await openChatWithBob((c) => [
      mine(c, { id: 'ours', body: 'see you at 8', createdAt: Date.now() }),
    ]);
    const composer = screen.getByLabelText<HTMLTextAreaElement>('Message');
    type(composer, 'a draft');
    fireEvent.click(menuButton('ours'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    const editor = await screen.findByLabelText<HTMLTextAreaElement>('Edit message');
    expect(editor.value).toBe('see you at 8');
    expect(screen.getByTestId('editing-banner')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(editor));
    fireEvent.keyDown(editor, { key: 'Escape' });
    expect(screen.queryByTestId('editing-banner')).toBeNull();
    expect(screen.getByLabelText<HTMLTextAreaElement>('Message').value).toBe('a draft');

    fireEvent.click(menuButton('ours'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    type(screen.getByLabelText('Edit message'), 'see you at 9');
    fireEvent.keyDown(screen.getByLabelText('Edit message'), { key: 'Enter' });
    await waitFor(() =>
      expect(within(row('ours')).getByTestId('body').textContent).toBe('see you at 9'),
    );
    expect(within(row('ours')).getByTestId('edited').textContent).toBe('edited');
    expect(fake.calls.filter(([name]) => name === 'messages.edit')).toEqual([
      ['messages.edit', { messageId: 'ours', body: 'see you at 9' }],
    ]);
    // back to writing the draft; the edit sent no typing indicator
    expect(screen.getByLabelText<HTMLTextAreaElement>('Message').value).toBe('a draft');
    expect(
      fake.calls.filter(
        ([name, input]) =>
          name === 'conversations.typing' &&
          (input as { conversationId: string }).conversationId === bob.id &&
          (input as { typing: boolean }).typing,
      ),
    ).toHaveLength(1); // from "a draft" only
  });

  it('an edit the server refuses shows why and stays open', async () => {
    const { fake } = await openChatWithBob((c) => [
      mine(c, { id: 'ours', body: 'first', createdAt: Date.now() }),
    ]);
    const { FakeServerError } = await import('../test/fake-client');
    fake.data.editError = new FakeServerError('This message can no longer be edited.', {
      code: 'FORBIDDEN',
    });
    fireEvent.click(menuButton('ours'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    type(await screen.findByLabelText('Edit message'), 'second');
    fireEvent.keyDown(screen.getByLabelText('Edit message'), { key: 'Enter' });
    await waitFor(() =>
      expect(document.getElementById('composer-error')?.textContent).toBe(
        'This message can no longer be edited.',
      ),
    );
    expect(screen.getByTestId('editing-banner')).toBeTruthy();
    expect(within(row('ours')).getByTestId('body').textContent).toBe('first');
  });

  it('deletes for everyone after a confirmation, leaving a tombstone in place', async () => {
    const { fake } = await openChatWithBob((c) => [
      mine(c, { id: 'ours', body: 'oops, wrong chat', createdAt: Date.now() }),
      makeMessage({ conversationId: c, id: 'after', body: 'what?' }),
    ]);
    fireEvent.click(menuButton('ours'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Delete for everyone' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete for everyone?' });
    expect(dialog.textContent).toContain('oops, wrong chat');
    await waitFor(() =>
      expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' })),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.calls.filter(([name]) => name === 'messages.delete')).toEqual([]);

    fireEvent.click(menuButton('ours'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Delete for everyone' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Delete for everyone',
      }),
    );
    await waitFor(() => expect(within(row('ours')).getByTestId('tombstone')).toBeTruthy());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.calls.filter(([name]) => name === 'messages.delete')).toEqual([
      ['messages.delete', { messageId: 'ours' }],
    ]);
    expect(document.body.textContent).not.toContain('oops, wrong chat');
    // in place: still before the message that came after it
    const ids = [...document.querySelectorAll('li[data-message-id]')].map((li) =>
      li.getAttribute('data-message-id'),
    );
    expect(ids).toEqual(['ours', 'after']);
  });

  it('replies: the composer shows what is quoted, the reply is sent with it, and cancel drops it', async () => {
    const { fake, bob } = await openChatWithBob((c) => [
      makeMessage({ conversationId: c, id: 'question', body: 'Lunch on Friday?' }),
    ]);
    fireEvent.click(menuButton('question'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Reply' }));
    const replying = await screen.findByTestId('replying-to');
    expect(replying.textContent).toBe('Replying to bob: Lunch on Friday?');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(screen.queryByTestId('replying-to')).toBeNull();

    fireEvent.click(menuButton('question'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Reply' }));
    const composer = screen.getByLabelText('Message');
    await waitFor(() => expect(document.activeElement).toBe(composer));
    type(composer, 'Yes!');
    fireEvent.keyDown(composer, { key: 'Enter' });
    expect(fake.calls.filter(([name]) => name === 'send')).toEqual([
      ['send', { conversationId: bob.id, body: 'Yes!', replyToId: 'question' }],
    ]);
    expect(screen.queryByTestId('replying-to')).toBeNull();
    // while it is on its way, the bubble already quotes the question
    const entry = fake.client.outbox()[0]!;
    const quote = document.querySelector(
      `[data-client-id="${entry.clientId}"] [data-testid="reply-quote"]`,
    );
    expect(quote?.textContent).toBe('bobLunch on Friday?');
  });

  it('copies the text, and says so', async () => {
    await openChatWithBob((c) => [makeMessage({ conversationId: c, id: 'm1', body: 'copy me' })]);
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (text: string) => (copied.push(text), Promise.resolve()) },
    });
    fireEvent.click(menuButton('m1'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Copy text' }));
    await waitFor(() => expect(screen.getByTestId('announcer').textContent).toBe('Copied'));
    expect(copied).toEqual(['copy me']);
  });

  it('an edit ends when the message is deleted from another device meanwhile', async () => {
    const { fake, bob } = await openChatWithBob((c) => [
      mine(c, { id: 'ours', body: 'draft plan', createdAt: Date.now() }),
    ]);
    fireEvent.click(menuButton('ours'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    await screen.findByTestId('editing-banner');
    fake.emit({
      type: 'message-updated',
      message: mine(bob.id, { id: 'ours', body: '', deletedAt: Date.now() }),
    });
    await waitFor(() => expect(screen.queryByTestId('editing-banner')).toBeNull());
    expect(screen.getByLabelText<HTMLTextAreaElement>('Message').value).toBe('');
  });
});
