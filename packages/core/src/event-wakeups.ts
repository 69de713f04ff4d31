import type { AppendedEvent, Notifier } from '@parley/db';

export const eventTopic = (userId: string) => `events:${userId}`;

/** Tells live streams that users' logs grew: a wake-up only, the data stays in the log. */
export function wakeUp(notifier: Notifier, appended: AppendedEvent[]): void {
  const newest = new Map<string, number>();
  for (const event of appended)
    newest.set(event.userId, Math.max(newest.get(event.userId) ?? 0, event.seq));
  for (const [userId, seq] of newest) notifier.publish(eventTopic(userId), String(seq));
}
