import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { APP_ID, APP_NAME } from '../shared/app-identity.js';
import { createNotifier } from './notifier.js';
import { SettingsStore } from './settings-store.js';
import { claimSingleInstance } from './single-instance.js';
import { badgeDescription, badgeText, renderBadgeBitmap } from './unread-badge.js';
import { mainWindowOptions } from './window-options.js';

vi.mock('electron', () => ({}));

describe('identity', () => {
  it('uses the electron-builder appId as AppUserModelId', async () => {
    const config = JSON.parse(
      await readFile(new URL('../../electron-builder.json', import.meta.url), 'utf8'),
    ) as {
      appId: string;
      productName: string;
      nsis: {
        perMachine: boolean;
        oneClick: boolean;
        createStartMenuShortcut: boolean;
        artifactName: string;
      };
      win: { target: Array<{ target: string; arch: string[] }> };
    };
    expect(config.appId).toBe(APP_ID);
    // Electron names the profile folder (%APPDATA%\\Parley) after package.json's productName
    const manifest = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      productName: string;
    };
    expect(manifest.productName).toBe(APP_NAME);
    expect(config.productName).toBe(APP_NAME);
    expect(config.nsis.perMachine).toBe(false);
    expect(config.nsis.createStartMenuShortcut).toBe(true);
    expect(config.nsis.artifactName).toBe('Parley-Setup-${version}.${ext}');
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
  });
});

describe('window options', () => {
  it('isolates and sandboxes the renderer', () => {
    const prefs = mainWindowOptions('/app/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});

describe('notifier', () => {
  function setup(state: { focused: boolean; enabled: boolean; supported?: boolean }) {
    const shown: Array<{ title: string; body: string }> = [];
    let click: (() => void) | null = null;
    const opened: string[] = [];
    const notify = createNotifier({
      isSupported: () => state.supported ?? true,
      create: (options) => ({
        on: (_event: 'click', listener: () => void) => {
          click = listener;
        },
        show: () => shown.push(options),
      }),
      isWindowFocused: () => state.focused,
      notificationsEnabled: () => state.enabled,
      openConversation: (id) => opened.push(id),
    });
    return { notify, shown, opened, click: () => click?.() };
  }
  const message = { conversationId: 'c1', title: 'alice', body: 'hi there' };

  it('notifies only while unfocused and enabled, and a click opens the conversation', () => {
    const state = { focused: true, enabled: true };
    const { notify, shown, opened, click } = setup(state);
    expect(notify(message)).toBe(false);
    state.focused = false;
    expect(notify(message)).toBe(true);
    state.enabled = false;
    expect(notify(message)).toBe(false);
    expect(shown).toEqual([{ title: 'alice', body: 'hi there', silent: false }]);
    click();
    expect(opened).toEqual(['c1']);
  });

  it('shortens long bodies by code point', () => {
    const { notify, shown } = setup({ focused: false, enabled: true });
    notify({ ...message, body: '😀'.repeat(500) });
    expect([...(shown[0]?.body ?? '')]).toHaveLength(140);
  });
});

describe('single instance', () => {
  it('quits a second instance and focuses the first window', () => {
    const second = { requestSingleInstanceLock: () => false, quit: vi.fn(), on: vi.fn() };
    expect(claimSingleInstance(second as never, () => null)).toBe(false);
    expect(second.quit).toHaveBeenCalled();

    let onSecond: (() => void) | undefined;
    const first = {
      requestSingleInstanceLock: () => true,
      quit: vi.fn(),
      on: vi.fn((_event: string, listener: () => void) => {
        onSecond = listener;
      }),
    };
    const window = { isMinimized: () => true, restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    expect(claimSingleInstance(first as never, () => window)).toBe(true);
    onSecond?.();
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });
});

describe('unread badge', () => {
  it('says the count, then 9+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(3)).toBe('3');
    expect(badgeText(12)).toBe('9+');
    expect(badgeDescription(1)).toBe('1 unread message');
    expect(badgeDescription(4)).toBe('4 unread messages');
  });

  it('draws a red disc with white text, transparent corners', () => {
    const size = 32;
    const bitmap = renderBadgeBitmap(5, size);
    expect(bitmap.length).toBe(size * size * 4);
    const pixel = (x: number, y: number) => [
      ...bitmap.subarray((y * size + x) * 4, (y * size + x) * 4 + 4),
    ];
    expect(pixel(0, 0)[3]).toBe(0);
    expect(pixel(3, 16)).toEqual([0x2f, 0x2f, 0xd9, 0xff]);
    const white = Array.from({ length: size * size }, (_, i) => i).filter(
      (i) => bitmap[i * 4] === 0xff && bitmap[i * 4 + 2] === 0xff,
    );
    expect(white.length).toBeGreaterThan(20);
    expect(renderBadgeBitmap(0, size).every((byte) => byte === 0)).toBe(true);
  });
});

describe('SettingsStore', () => {
  it('remembers the server address, the notification and the update switches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-settings-'));
    try {
      const file = join(dir, 'settings.json');
      const store = new SettingsStore(file);
      expect(await store.get()).toEqual({
        serverUrl: null,
        notifications: true,
        autoUpdate: true,
      });
      await store.update({ serverUrl: 'http://LocalHost:3000/some/path' });
      await store.update({ notifications: false });
      await store.update({ autoUpdate: false });
      expect(await new SettingsStore(file).get()).toEqual({
        serverUrl: 'http://localhost:3000',
        notifications: false,
        autoUpdate: false,
      });
      await writeFile(
        file,
        JSON.stringify({ serverUrl: 'javascript:alert(1)', notifications: 'no', autoUpdate: 1 }),
      );
      expect(await new SettingsStore(file).get()).toEqual({
        serverUrl: null,
        notifications: true,
        autoUpdate: true,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
