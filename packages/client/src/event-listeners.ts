import type { ChatEvent } from '@parley/protocol';
import { callSafely, type ErrorHook } from './listener-errors.js';

/**
 * A chat event as `onEvent` listeners get it. `ack()` acknowledges an incoming message (with `ack: 'manual'`;
 * in the default mode the client does it once the listeners succeeded); for other events it does nothing.
 */
export type ReceivedEvent = ChatEvent & {
  /** Acknowledges this message to the server (batched). Safe to call more than once, and on any event. */
  ack(): void;
};

/** A listener may be async: when it returns a promise, the message is handled once that resolves. */
export type EventListener = (event: ReceivedEvent, eventId: string) => unknown;

/** `event` with a non-enumerable `ack`, so that JSON and equality checks see the plain event. */
export function withAck(event: ChatEvent, ack: () => void): ReceivedEvent {
  const received = { ...event } as ReceivedEvent;
  Object.defineProperty(received, 'ack', { value: ack, enumerable: false });
  return received;
}

/** The `onEvent` listeners: each event goes to all of them, and their failures are reported, never thrown. */
export class EventListeners {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onError: ErrorHook) {}

  add(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves true once every listener succeeded, false if one threw or rejected (reported to `onError`). */
  async dispatch(event: ReceivedEvent, eventId: string): Promise<boolean> {
    const report = (error: unknown) => this.onError(error, { source: 'event', event, eventId });
    const results = await Promise.all(
      [...this.listeners].map((listener) => callSafely(listener, [event, eventId], report)),
    );
    return results.every(Boolean);
  }

  clear(): void {
    this.listeners.clear();
  }
}
