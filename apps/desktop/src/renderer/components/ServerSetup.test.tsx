import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerSetup } from './ServerSetup';

afterEach(cleanup);

function setup(initial: string | null = null) {
  const saved: string[] = [];
  render(() => (
    <ServerSetup
      initial={initial}
      onSave={(url) => {
        saved.push(url);
        return Promise.resolve();
      }}
    />
  ));
  const address = screen.getByLabelText('Server address');
  const type = (value: string) => fireEvent.input(address, { target: { value } });
  return { saved, type };
}

describe('ServerSetup', () => {
  it('saves https:// and loopback http:// addresses at once, as their origin', async () => {
    const { saved, type } = setup();
    type('https://chat.example.com/some/path');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(saved).toEqual(['https://chat.example.com']));
    cleanup();
    const local = setup();
    local.type('http://localhost:3000');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(local.saved).toEqual(['http://localhost:3000']));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('warns before using a remote server over http://, and saves only when confirmed', async () => {
    const { saved, type } = setup();
    type('http://192.168.1.20:3000');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByRole('alert').textContent).toContain(
      'http://192.168.1.20:3000 is not encrypted',
    );
    expect(saved).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Connect without encryption' }));
    await waitFor(() => expect(saved).toEqual(['http://192.168.1.20:3000']));
  });

  it('asks again when the address changes after the warning', () => {
    const { saved, type } = setup();
    type('http://chat.example.com');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    type('http://other.example.com');
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByRole('alert').textContent).toContain('http://other.example.com');
    expect(saved).toEqual([]);
  });
});
