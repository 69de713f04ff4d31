import { cleanup, fireEvent, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServerError } from '../../test/fake-client';
import { openChatWithBob } from '../../test/signed-in';

afterEach(cleanup);

describe('privacy settings', () => {
  it('shows the account’s settings, says they work both ways, and saves a change', async () => {
    const { fake } = await openChatWithBob(undefined, { open: false });
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const receipts = await screen.findByRole<HTMLInputElement>('checkbox', {
      name: /Send read receipts/,
    });
    expect(receipts.checked).toBe(true);
    expect(screen.getByTestId('privacy').textContent).toContain(
      'turn one off and you stop seeing it from others too',
    );
    expect(document.getElementById(receipts.getAttribute('aria-describedby') ?? '')).not.toBeNull();
    fireEvent.click(receipts);
    await waitFor(() =>
      expect(fake.calls.filter(([name]) => name === 'account.updateSettings')).toEqual([
        ['account.updateSettings', { readReceipts: false }],
      ]),
    );
    expect(fake.data.settings.readReceipts).toBe(false);
    expect(receipts.checked).toBe(false);
  });

  it('goes back and says why when the server refuses the change', async () => {
    const { fake } = await openChatWithBob(undefined, { open: false });
    fake.client.account.updateSettings = () =>
      Promise.reject(new FakeServerError('Too many requests', { code: 'TOO_MANY_REQUESTS' }));
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const typing = await screen.findByRole<HTMLInputElement>('checkbox', {
      name: 'Show when I am typing',
    });
    fireEvent.click(typing);
    expect(await screen.findByText('Too many requests')).toBeTruthy();
    expect(typing.checked).toBe(true);
  });
});
