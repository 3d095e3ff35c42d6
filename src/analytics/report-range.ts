// Who may read a report (every report: sales, products, fulfillment, returns, customers), over which
// channels and days: the orders role, kept to its channels when it is scoped; the instants asked for
// become each channel's local days (whole days: the first is the day `from` falls on there, the last the
// day just before `to`). Rollups are daily, so a report covers whole local days.
import type { Em } from '../kernel/db/orm.js';
import { adminIn, authorize, channelScope, inChannelScope, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { localDay } from './local-day.js';

const DAY = 86_400_000;
/** The longest period a report reads: three years (and a leap day). */
export const MAX_RANGE_DAYS = 3 * 365 + 1;
export const MAX_FIRST = 500;

export interface ReportChannel {
  id: string;
  code: string;
  currencyCode: string;
  timeZone: string;
  fromDay: string;
  toDay: string;
}

/** Checks the caller and the period; the channels the report covers, with their days. Bad input changes nothing. */
export async function reportChannels(em: Em, principal: Principal, from: Date, to: Date, channelCode?: string | null): Promise<ReportChannel[]> {
  authorize(principal, adminIn('orders'));
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw badInput('from is not a date.', 'from');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw badInput('to is not a date.', 'to');
  if (to.getTime() <= from.getTime()) throw badInput('to must be after from.', 'to');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) throw badInput(`A report covers at most ${MAX_RANGE_DAYS} days (three years).`, 'to');
  const rows: { id: string; code: string; currency_code: string; time_zone: string | null }[] = channelCode != null
    ? await em.execute('SELECT id, code, currency_code, time_zone FROM channel WHERE code = ?', [channelCode])
    : await em.execute('SELECT id, code, currency_code, time_zone FROM channel ORDER BY code');
  if (channelCode != null) {
    if (!rows.length) throw notFound(`Channel ${channelCode}`);
    if (!inChannelScope(principal, rows[0].id)) throw new OrdoError('FORBIDDEN', 'That belongs to a sales channel this key or staff member does not work on.');
  }
  const scope = channelScope(principal);
  return rows.filter((c) => !scope || scope.includes(c.id)).map((c) => {
    const timeZone = c.time_zone || 'UTC';
    return { id: c.id, code: c.code, currencyCode: c.currency_code, timeZone, fromDay: localDay(from, timeZone), toDay: localDay(to.getTime() - 1, timeZone) };
  });
}

/** `(channel_id = ? AND day BETWEEN ? AND ?) OR …` over the channels, with its parameters; `FALSE` when none. */
export function daysOf(channels: ReportChannel[], alias = ''): { where: string; params: string[] } {
  if (!channels.length) return { where: '1 = 0', params: [] };
  const a = alias ? `${alias}.` : '';
  return {
    where: `(${channels.map(() => `(${a}channel_id = ? AND ${a}day >= ? AND ${a}day <= ?)`).join(' OR ')})`,
    params: channels.flatMap((c) => [c.id, c.fromDay, c.toDay]),
  };
}

/** A share (0..1) or null when nothing was counted. */
export const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** `first`: 1 to 500 (`fallback` when left out). */
export function checkFirst(first: number | null | undefined, fallback = 10): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_FIRST) throw badInput(`first is 1 to ${MAX_FIRST}.`, 'first');
  return n;
}
