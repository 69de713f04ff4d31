import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { DesktopSettings } from '../shared/desktop-bridge.js';
import { httpUrl } from './ipc-schemas.js';

const settingsFile = z.object({
  serverUrl: httpUrl.nullable().catch(null),
  notifications: z.boolean().catch(true),
  autoUpdate: z.boolean().catch(true),
});

export const defaultSettings: DesktopSettings = {
  serverUrl: null,
  notifications: true,
  autoUpdate: true,
};

/** The server address, the notification and update switches, remembered in settings.json (not secret). */
export class SettingsStore {
  readonly #filePath: string;
  #settings: DesktopSettings | null = null;
  #writes: Promise<void> = Promise.resolve();

  constructor(filePath: string) {
    this.#filePath = filePath;
  }

  async get(): Promise<DesktopSettings> {
    if (this.#settings) return { ...this.#settings };
    try {
      const parsed = settingsFile.safeParse(JSON.parse(await readFile(this.#filePath, 'utf8')));
      this.#settings = parsed.success ? parsed.data : { ...defaultSettings };
    } catch {
      this.#settings = { ...defaultSettings };
    }
    return { ...this.#settings };
  }

  /** The current value without touching the disk (null before the first `get`). */
  peek(): DesktopSettings | null {
    return this.#settings ? { ...this.#settings } : null;
  }

  async update(change: Partial<DesktopSettings>): Promise<DesktopSettings> {
    const next = { ...(await this.get()), ...change };
    if (next.serverUrl) next.serverUrl = normalizeServerUrl(next.serverUrl);
    this.#settings = next;
    const snapshot = JSON.stringify(next, null, 2);
    const write = async (): Promise<void> => {
      await mkdir(dirname(this.#filePath), { recursive: true });
      const temp = `${this.#filePath}.${process.pid}.tmp`;
      await writeFile(temp, snapshot, { mode: 0o600 });
      await rename(temp, this.#filePath);
    };
    this.#writes = this.#writes.then(write, write);
    await this.#writes;
    return { ...next };
  }
}

/** `http://Host:3000/some/path/` → `http://host:3000` (the server lives at its origin). */
export function normalizeServerUrl(value: string): string {
  return new URL(value).origin;
}
