import { defaultSettings, type Settings } from '@parley/protocol';
import { createStore } from 'solid-js/store';
import type { ChatClient } from '../lib/chat-client';
import { errorInfo } from '../lib/errors';

export interface AccountSettingsState extends Settings {
  loaded: boolean;
  /** Why the last load or change failed (the switch then shows what the server has). */
  error: string | null;
}

/** The account's read-receipt and typing-indicator settings, kept on the server (`account.settings`). */
export function createAccountSettingsStore(client: ChatClient) {
  const [state, setState] = createStore<AccountSettingsState>({
    ...defaultSettings,
    loaded: false,
    error: null,
  });

  return {
    state,
    async load(): Promise<void> {
      try {
        const settings = await client.account.settings();
        setState({ ...settings, loaded: true, error: null });
      } catch (error) {
        setState({ error: errorInfo(error).message });
      }
    },
    /** Shows the change at once; goes back if the server refuses it. */
    async update(change: Partial<Settings>): Promise<void> {
      const before: Settings = {
        readReceipts: state.readReceipts,
        typingIndicators: state.typingIndicators,
      };
      setState({ ...change, error: null });
      try {
        const settings = await client.account.updateSettings(change);
        setState({ ...settings, loaded: true });
      } catch (error) {
        setState({ ...before, error: errorInfo(error).message });
      }
    },
  };
}

export type AccountSettingsStore = ReturnType<typeof createAccountSettingsStore>;
