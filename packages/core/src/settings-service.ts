import type { Store } from '@parley/db';
import { defaultSettings, type Settings } from '@parley/protocol';
import { unauthorized } from './domain-error.js';

/** `account.settings`: read receipts and typing indicators, each reciprocal between two people. */
export class SettingsService {
  constructor(private readonly store: Store) {}

  async get(userId: string): Promise<Settings> {
    const settings = await this.store.users.settings(userId);
    if (!settings) throw unauthorized();
    return settings;
  }

  async update(userId: string, changes: Partial<Settings>): Promise<Settings> {
    const settings = await this.store.users.updateSettings(userId, changes);
    if (!settings) throw unauthorized();
    return settings;
  }

  /**
   * Whether a setting is on for both people: whoever turns it off neither sends nor sees it. An
   * unknown user counts as the defaults.
   */
  async onForBoth(userA: string, userB: string, setting: keyof Settings): Promise<boolean> {
    const [a, b] = await Promise.all([
      this.store.users.settings(userA),
      this.store.users.settings(userB),
    ]);
    return (a ?? defaultSettings)[setting] && (b ?? defaultSettings)[setting];
  }
}
