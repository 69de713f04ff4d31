import { createStore } from 'solid-js/store';
import type { KeyValueStorage } from '@parley/client';

export interface NotificationPrefs {
  /** Notify about incoming messages while Parley is in the background. */
  enabled: boolean;
  /** Show the message text in the notification (off: only who wrote). */
  showText: boolean;
  /** The browser's permission was asked for once already (it is never asked again unprompted). */
  asked: boolean;
}

const defaults: NotificationPrefs = { enabled: true, showText: true, asked: false };

/** The person's notification choices, kept per user in the platform's storage. */
export function createNotificationPrefs(storage: KeyValueStorage, userId: string) {
  const key = `parley:prefs:notifications:${userId}`;
  const [prefs, setPrefs] = createStore<NotificationPrefs>({ ...defaults });

  const save = async (): Promise<void> => {
    try {
      await storage.setItem(key, JSON.stringify(prefs));
    } catch {
      // storage full or gone: the choice holds for this session
    }
  };

  return {
    prefs,
    async load(): Promise<void> {
      try {
        const stored: unknown = JSON.parse((await storage.getItem(key)) ?? 'null');
        if (typeof stored !== 'object' || stored === null) return;
        const record = stored as Record<string, unknown>;
        setPrefs({
          enabled: typeof record.enabled === 'boolean' ? record.enabled : defaults.enabled,
          showText: typeof record.showText === 'boolean' ? record.showText : defaults.showText,
          asked: record.asked === true,
        });
      } catch {
        // unreadable: the defaults
      }
    },
    set(change: Partial<NotificationPrefs>): void {
      setPrefs(change);
      void save();
    },
  };
}

export type NotificationPrefsStore = ReturnType<typeof createNotificationPrefs>;
