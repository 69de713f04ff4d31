import { limits } from '@parley/protocol';

export interface TypingNotifierOptions {
  /** Calls `conversations.typing`. A failure is dropped: typing is a hint, never worth a retry. */
  send: (conversationId: string, typing: boolean) => Promise<unknown>;
  /** Renew `typing: true` at most this often while composing. @default limits.typingRenewMs (3000) */
  renewMs?: number;
  now?: () => number;
}

/**
 * Tells the peer that you are typing, cheaply: `typing: true` goes at the first key press, then again at most
 * every `renewMs` while keys keep coming (the server shows the peer `typing: false` 6 s after the last renewal,
 * and when a message is sent); `typing: false` goes once when you stop (send, clear, blur, leave). One
 * conversation at a time: typing in another one stops the first.
 */
export class TypingNotifier {
  private active: string | null = null;
  private lastSentAt = 0;
  private readonly renewMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TypingNotifierOptions) {
    this.renewMs = options.renewMs ?? limits.typingRenewMs;
    this.now = options.now ?? Date.now;
  }

  /** The conversation `typing: true` was last sent for and not yet ended, or null. */
  get typingIn(): string | null {
    return this.active;
  }

  /** A key press that changed the draft of `conversationId`. */
  typed(conversationId: string): void {
    if (this.active !== null && this.active !== conversationId) this.stopped();
    const now = this.now();
    if (this.active === conversationId && now - this.lastSentAt < this.renewMs) return;
    this.active = conversationId;
    this.lastSentAt = now;
    this.post(conversationId, true);
  }

  /**
   * Composing stopped: the draft was cleared, the composer lost focus, or the conversation was left. Sends
   * `typing: false` if `true` was sent (for `conversationId`, when given). After a send, call `sent` instead.
   */
  stopped(conversationId?: string): void {
    const active = this.active;
    if (active === null || (conversationId !== undefined && conversationId !== active)) return;
    this.active = null;
    this.post(active, false);
  }

  /** A message was sent: the server already ends the typing indicator, so nothing goes out. */
  sent(conversationId: string): void {
    if (this.active === conversationId) this.active = null;
  }

  /** Forgets the indicator without sending anything (signed out). */
  reset(): void {
    this.active = null;
  }

  private post(conversationId: string, typing: boolean): void {
    this.options.send(conversationId, typing).catch(() => undefined);
  }
}
