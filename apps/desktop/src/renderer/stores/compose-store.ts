import type { ReplyRef } from '@parley/protocol';
import { createStore } from 'solid-js/store';

/** A message of ours being edited in the composer. */
export interface EditTarget {
  messageId: string;
  /** The text in the composer while editing (the draft stays aside until the edit ends). */
  body: string;
}

/**
 * What the composer of each conversation is doing besides writing a new message: replying to one
 * (the quote shown above the box) or editing one of ours. Set from a message's menu.
 */
export function createComposeStore() {
  const [state, setState] = createStore<{
    replyTo: Record<string, ReplyRef | null>;
    editing: Record<string, EditTarget | null>;
  }>({ replyTo: {}, editing: {} });

  return {
    replyTo: (conversationId: string): ReplyRef | null => state.replyTo[conversationId] ?? null,
    editing: (conversationId: string): EditTarget | null => state.editing[conversationId] ?? null,
    /** Replying and editing exclude each other: starting one ends the other. */
    startReply(conversationId: string, target: ReplyRef): void {
      setState('editing', conversationId, null);
      setState('replyTo', conversationId, { ...target });
    },
    cancelReply(conversationId: string): void {
      setState('replyTo', conversationId, null);
    },
    startEdit(conversationId: string, messageId: string, body: string): void {
      setState('replyTo', conversationId, null);
      setState('editing', conversationId, { messageId, body });
    },
    setEditBody(conversationId: string, body: string): void {
      if (state.editing[conversationId]) setState('editing', conversationId, 'body', body);
    },
    cancelEdit(conversationId: string): void {
      setState('editing', conversationId, null);
    },
  };
}

export type ComposeStore = ReturnType<typeof createComposeStore>;
