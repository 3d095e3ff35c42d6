// Report buckets are days in the channel's own time zone: a sale at 23:30 in Berlin on the 1st is the
// 1st's (22:30 UTC in winter, 21:30 in summer), and one at 00:30 on the 2nd is the 2nd's though UTC still
// says the 1st. Pure functions of the instant and the zone.
import { wallClock } from '../kernel/zone-offset.js';

/** The local calendar date of `at` in `timeZone`, 'YYYY-MM-DD' (sorts and compares as text). */
export function localDay(at: Date | number, timeZone: string): string {
  // A rollup asks for every event it counts: the zone's offset is cached (kernel/zone-offset.ts).
  return wallClock(typeof at === 'number' ? at : at.getTime(), timeZone || 'UTC').toISOString().slice(0, 10);
}

const DAY = 86_400_000;

/** The day `n` days after `day` ('YYYY-MM-DD'). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** The bucket a local day falls in: itself, its ISO week's Monday, or the first of its month. */
export function bucketOf(day: string, groupBy: 'DAY' | 'WEEK' | 'MONTH'): string {
  if (groupBy === 'DAY') return day;
  if (groupBy === 'MONTH') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}
