const minute = 60_000;
const day = 24 * 60 * minute;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

const startOfDay = (time: number): number => {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
};

/** Time of a message: 14:05. */
export const formatTime = (time: number): string => timeFormat.format(time);

/** Full date and time, for tooltips and screen readers. */
export const formatFull = (time: number): string => fullFormat.format(time);

/** The conversation list's column: time today, weekday this week, date before. */
export function formatListTime(time: number, now = Date.now()): string {
  const today = startOfDay(now);
  if (time >= today) return timeFormat.format(time);
  if (time >= today - 6 * day) return weekdayFormat.format(time);
  return dateFormat.format(time);
}

/** "last seen 5 minutes ago", "last seen yesterday", or a date. */
export function formatLastSeen(time: number | null, now = Date.now()): string {
  if (time === null) return 'Offline';
  const elapsed = Math.max(0, now - time);
  if (elapsed < minute) return 'Last seen just now';
  if (elapsed < 60 * minute)
    return `Last seen ${relative.format(-Math.floor(elapsed / minute), 'minute')}`;
  if (elapsed < day)
    return `Last seen ${relative.format(-Math.floor(elapsed / (60 * minute)), 'hour')}`;
  if (elapsed < 7 * day) return `Last seen ${relative.format(-Math.floor(elapsed / day), 'day')}`;
  return `Last seen ${dateFormat.format(time)}`;
}

const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
const yearDayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** Whether two times fall on the same local day. */
export const sameDay = (a: number, b: number): boolean => startOfDay(a) === startOfDay(b);

/** The separator above the first message of a day: Today, Yesterday, "Monday 3 March", or a full date. */
export function formatDay(time: number, now = Date.now()): string {
  const today = startOfDay(now);
  const day = startOfDay(time);
  if (day === today) return 'Today';
  if (day === startOfDay(today - 1)) return 'Yesterday';
  return new Date(time).getFullYear() === new Date(now).getFullYear()
    ? dayFormat.format(time)
    : yearDayFormat.format(time);
}
