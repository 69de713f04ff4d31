import { describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../shared/ipc-channels.js';
import { registerIpcHandlers, type IpcHandlers } from './ipc-router.js';
import { MAX_STORED_VALUE_LENGTH } from './ipc-schemas.js';

vi.mock('electron', () => ({}));

type Handler = (event: unknown, ...args: unknown[]) => unknown;

function setup() {
  const registered = new Map<string, Handler>();
  const ipcMain = {
    handle: vi.fn((channel: string, handler: Handler) => registered.set(channel, handler)),
  };
  const calls: Array<[string, unknown[]]> = [];
  const handlers = Object.fromEntries(
    Object.values(invokeChannels).map((channel) => [
      channel,
      (...args: unknown[]) => {
        calls.push([channel, args]);
        return 'ok';
      },
    ]),
  ) as unknown as IpcHandlers;
  registerIpcHandlers(ipcMain, handlers, (id) => id === 7);
  const mainFrame = { url: 'app://parley/index.html' };
  const trusted = { sender: { id: 7, mainFrame }, senderFrame: mainFrame };
  const invoke = (channel: string, event: unknown, ...args: unknown[]) => {
    const handler = registered.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  };
  return { registered, calls, trusted, invoke, mainFrame };
}

describe('registerIpcHandlers', () => {
  it('registers exactly the allowlisted channels', () => {
    const { registered } = setup();
    expect([...registered.keys()].sort()).toEqual(Object.values(invokeChannels).sort());
  });

  it("accepts the client library's storage keys", () => {
    const { calls, trusted, invoke } = setup();
    for (const key of [
      'parley:auth',
      'parley:events:9b2f6a3e-1c4d-4e8f-a2b1-0c9d8e7f6a5b',
      'parley.drafts.u1',
    ]) {
      invoke('vault:get', trusted, key);
    }
    expect(calls).toHaveLength(3);
  });

  it('passes validated arguments to the handler', () => {
    const { calls, trusted, invoke } = setup();
    expect(invoke('vault:set', trusted, 'parley.refreshToken', 'secret')).toBe('ok');
    expect(invoke('unread:set', trusted, 3)).toBe('ok');
    expect(calls).toEqual([
      ['vault:set', ['parley.refreshToken', 'secret']],
      ['unread:set', [3]],
    ]);
  });

  it.each([
    ['vault:get', [42]],
    ['vault:get', ['../../etc/passwd']],
    ['vault:get', ['']],
    ['vault:set', ['key']],
    ['vault:set', ['key', 'x'.repeat(MAX_STORED_VALUE_LENGTH + 1)]],
    ['vault:get', ['key', 'extra']],
    ['unread:set', [-1]],
    ['unread:set', [1.5]],
    ['unread:set', ['3']],
    ['settings:set-server', ['file:///etc/passwd']],
    ['settings:set-server', ['javascript:alert(1)']],
    ['settings:set-server', ['http://user:pw@example.com']],
    ['settings:set-notifications', ['yes']],
    ['shell:open-external', ['smb://host/share']],
    ['notify:message', [{ conversationId: 'c1', title: 't' }]],
  ])('refuses %s with %j and never calls the handler', (channel, args) => {
    const { calls, trusted, invoke } = setup();
    expect(() => invoke(channel, trusted, ...args)).toThrow(/invalid arguments/);
    expect(calls).toEqual([]);
  });

  it('refuses senders that are not our app page in our window', () => {
    const { calls, invoke, mainFrame } = setup();
    const subframe = { url: 'app://parley/index.html' };
    const untrusted = [
      { sender: { id: 8, mainFrame }, senderFrame: mainFrame }, // someone else's webContents
      { sender: { id: 7, mainFrame }, senderFrame: subframe }, // an iframe
      { sender: { id: 7, mainFrame }, senderFrame: null }, // a destroyed frame
      {
        sender: { id: 7, mainFrame: { url: 'https://evil.example/' } },
        senderFrame: { url: 'https://evil.example/' },
      },
    ];
    for (const event of untrusted) {
      if (event.senderFrame && event.senderFrame.url.startsWith('https'))
        event.sender.mainFrame = event.senderFrame;
      expect(() => invoke('vault:get', event, 'parley.refreshToken')).toThrow(/untrusted sender/);
    }
    expect(calls).toEqual([]);
  });
});
