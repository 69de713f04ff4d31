import { describe, expect, it, vi } from 'vitest';
import { installNavigationGuards, isAppUrl, isSafeExternalUrl } from './navigation-guard.js';

vi.mock('electron', () => ({}));

type Listener = (event: { preventDefault: () => void }, url: string) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: vi.fn((name: string, listener: Listener) => {
      listeners.set(name, listener);
      return contents;
    }),
    setWindowOpenHandler: vi.fn((handler: (details: { url: string }) => { action: string }) => {
      openHandler = handler;
    }),
  };
  const shell = { openExternal: vi.fn(() => Promise.resolve()) };
  installNavigationGuards(contents as never, shell);
  const navigate = (name: string, url: string) => {
    const event = { preventDefault: vi.fn() };
    listeners.get(name)?.(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  const open = (url: string) => openHandler?.({ url });
  return { navigate, open, shell };
}

describe('navigation guards', () => {
  it('keeps the window on app://parley', () => {
    const { navigate, shell } = fakeContents();
    expect(navigate('will-navigate', 'app://parley/index.html')).toBe(false);
    expect(navigate('will-navigate', 'https://example.com/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', 'app://other/index.html')).toBe(true);
    expect(navigate('will-redirect', 'http://localhost:3000/')).toBe(true);
    expect(navigate('will-attach-webview', 'app://parley/')).toBe(true);
    // a link to a web page goes to the browser instead; other schemes go nowhere
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it('denies every window.open and hands only http(s) to the browser', () => {
    const { open, shell } = fakeContents();
    for (const url of [
      'https://example.com/a',
      'http://example.com/b',
      'file:///C:/Windows',
      'javascript:alert(1)',
      'ms-settings:',
      'app://parley/',
    ]) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal.mock.calls).toEqual([
      ['https://example.com/a'],
      ['http://example.com/b'],
    ]);
  });

  it('classifies URLs', () => {
    expect(isAppUrl('app://parley/')).toBe(true);
    expect(isAppUrl('app://parley.evil/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isSafeExternalUrl('https://example.com')).toBe(true);
    expect(isSafeExternalUrl('https://user:pass@example.com')).toBe(false);
    expect(isSafeExternalUrl('mailto:a@example.com')).toBe(false);
  });
});
