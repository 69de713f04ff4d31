import { createStore } from 'solid-js/store';
import type { KeyValueStorage } from '@parley/client';

/** Unsent text per conversation, kept across switching conversations and across restarts. */
export function createDraftStore(storage: KeyValueStorage, userId: string, persistDelayMs = 400) {
  const key = `parley.drafts.${userId}`;
  const [drafts, setDrafts] = createStore<Record<string, string>>({});
  let timer: ReturnType<typeof setTimeout> | null = null;
  let loaded = false;

  const persist = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const entries = Object.entries(drafts).filter(([, text]) => text.length > 0);
    if (entries.length === 0) await storage.removeItem(key);
    else await storage.setItem(key, JSON.stringify(Object.fromEntries(entries)));
  };

  return {
    drafts,
    /** Reads the stored drafts; drafts typed meanwhile win. */
    async load(): Promise<void> {
      try {
        const raw = await storage.getItem(key);
        const parsed: unknown = raw ? JSON.parse(raw) : {};
        if (typeof parsed === 'object' && parsed !== null) {
          for (const [id, text] of Object.entries(parsed as Record<string, unknown>)) {
            if (typeof text === 'string' && drafts[id] === undefined) setDrafts(id, text);
          }
        }
      } catch {
        // unreadable drafts are dropped
      }
      loaded = true;
    },
    get(conversationId: string): string {
      return drafts[conversationId] ?? '';
    },
    set(conversationId: string, text: string): void {
      setDrafts(conversationId, text);
      if (!loaded) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void persist().catch(() => undefined), persistDelayMs);
    },
    /** Writes now (on switching conversations or closing). */
    flush: () => persist().catch(() => undefined),
    /** Forgets every draft of this user (logout, account deletion). */
    async clearAll(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const id of Object.keys(drafts)) setDrafts(id, '');
      await storage.removeItem(key);
    },
  };
}

export type DraftStore = ReturnType<typeof createDraftStore>;
