import { cleanup, fireEvent, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { openChatWithBob } from '../test/signed-in';

afterEach(cleanup);

const type = (element: HTMLElement, value: string): void => {
  fireEvent.input(element, { target: { value } });
};
const typingCalls = (calls: Array<[string, unknown]>) =>
  calls
    .filter(([name]) => name === 'conversations.typing')
    .map(([, input]) => (input as { typing: boolean }).typing);

describe('composer typing indicator', () => {
  it('tells the peer once while typing fast, false when cleared or left, nothing extra on send', async () => {
    const { fake } = await openChatWithBob();
    const composer = screen.getByLabelText('Message');
    for (const text of ['h', 'he', 'hel', 'hell', 'hello']) type(composer, text);
    expect(typingCalls(fake.calls)).toEqual([true]);
    type(composer, '');
    expect(typingCalls(fake.calls)).toEqual([true, false]);
    type(composer, 'again');
    fireEvent.blur(composer);
    expect(typingCalls(fake.calls)).toEqual([true, false, true, false]);
    type(composer, 'sent now');
    fireEvent.keyDown(composer, { key: 'Enter' });
    fireEvent.blur(composer);
    // the send ends it on the server: no false of our own
    expect(typingCalls(fake.calls)).toEqual([true, false, true, false, true]);
  });

  it('sends nothing while the person has turned typing indicators off', async () => {
    const { fake } = await openChatWithBob();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const toggle = await screen.findByRole<HTMLInputElement>('checkbox', {
      name: 'Show when I am typing',
    });
    fireEvent.click(toggle);
    await waitFor(() => expect(fake.data.settings.typingIndicators).toBe(false));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(toggle.isConnected).toBe(false);
    type(screen.getByLabelText('Message'), 'quiet');
    expect(typingCalls(fake.calls)).toEqual([]);
  });
});
