import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { DesktopSettings } from '../../../shared/desktop-bridge';
import { App } from '../../App';
import { createFakeClient, fakePlatform } from '../../test/fake-client';

afterEach(cleanup);

async function openSettings(settings: DesktopSettings | null) {
  const switched: boolean[] = [];
  const platform = {
    ...fakePlatform(),
    settings: () => Promise.resolve(settings),
    setAutoUpdate: (enabled: boolean) => {
      switched.push(enabled);
      return Promise.resolve();
    },
  };
  const fake = createFakeClient({ user: { id: 'u-alice', username: 'alice', createdAt: 1 } });
  render(() => <App client={fake.client} platform={platform} />);
  fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
  await screen.findByRole('button', { name: 'Log out' });
  return switched;
}

describe('Updates settings', () => {
  it('on the desktop: shows the switch, on by default, and turns updates off', async () => {
    const switched = await openSettings({
      serverUrl: 'https://chat.example.com',
      notifications: true,
      autoUpdate: true,
    });
    const box = await screen.findByRole('checkbox', { name: /download them in the background/ });
    expect((box as HTMLInputElement).checked).toBe(true);
    fireEvent.click(box);
    await waitFor(() => expect(switched).toEqual([false]));
    expect((box as HTMLInputElement).checked).toBe(false);
  });

  it('on the web: no updates section (the server serves the current app)', async () => {
    await openSettings(null);
    expect(screen.queryByRole('heading', { name: 'Updates' })).toBeNull();
  });
});
