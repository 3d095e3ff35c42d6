// The local days reports bucket by (src/analytics/local-day.ts): a channel's own calendar date of an
// instant, through daylight saving time changes, and the week and month a day falls in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, bucketOf, localDay } from '../../src/analytics/local-day.js';

describe('localDay', () => {
  it('is the Berlin date, not the UTC one, around midnight in winter (UTC+1) and summer (UTC+2)', () => {
    expect(localDay(new Date('2026-01-15T22:30:00Z'), 'Europe/Berlin')).toBe('2026-01-15'); // 23:30 local
    expect(localDay(new Date('2026-01-15T23:30:00Z'), 'Europe/Berlin')).toBe('2026-01-16'); // 00:30 local
    expect(localDay(new Date('2026-07-15T21:30:00Z'), 'Europe/Berlin')).toBe('2026-07-15'); // 23:30 local
    expect(localDay(new Date('2026-07-15T22:30:00Z'), 'Europe/Berlin')).toBe('2026-07-16'); // 00:30 local
    expect(localDay(new Date('2026-01-15T23:30:00Z'), 'UTC')).toBe('2026-01-15');
    expect(localDay(new Date('2026-01-15T23:30:00Z'), '')).toBe('2026-01-15');
  });

  it('follows the switches to and from summer time (29 March and 25 October 2026 in Berlin)', () => {
    // Spring: 02:00 local becomes 03:00 (01:00Z); the 29th is 23 hours long: 28th 23:00Z to 29th 22:00Z.
    expect(localDay(new Date('2026-03-28T22:59:59Z'), 'Europe/Berlin')).toBe('2026-03-28');
    expect(localDay(new Date('2026-03-28T23:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDay(new Date('2026-03-29T21:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDay(new Date('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30');
    // Autumn: 03:00 local goes back to 02:00; the 25th is 25 hours long: 24th 22:00Z to 25th 23:00Z.
    expect(localDay(new Date('2026-10-24T21:59:59Z'), 'Europe/Berlin')).toBe('2026-10-24');
    expect(localDay(new Date('2026-10-24T22:00:00Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay(new Date('2026-10-25T22:59:59Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay(new Date('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('2026-10-26');
    // New York and a zone ahead of UTC by more than half a day.
    expect(localDay(new Date('2026-03-08T04:59:59Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDay(new Date('2026-03-08T05:00:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDay(new Date('2026-01-15T11:00:00Z'), 'Pacific/Kiritimati')).toBe('2026-01-16'); // UTC+14
  });

  it('is the date Intl shows in the zone, for any instant and around every offset change, in zones with odd offsets and summer time', () => {
    // localDay keeps each zone's offset per quarter hour (kernel/zone-offset.ts): checked against Intl
    // itself, at random instants and within three hours of each offset change these zones had in
    // 2020–2030 (Santiago changes at its midnight, Chatham at 02:45, Lord Howe by half an hour).
    const zones = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Pacific/Apia', 'Pacific/Kiritimati', 'America/New_York'];
    const formats = new Map(zones.map((z) => [z, new Intl.DateTimeFormat('en-CA', { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })]));
    const intlDay = (at: number, zone: string) => formats.get(zone)!.format(at).slice(0, 10);
    const offsetOf = (at: number, zone: string) => {
      const p = Object.fromEntries(formats.get(zone)!.formatToParts(at).map((x) => [x.type, x.value]));
      return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - Math.floor(at / 60_000) * 60_000;
    };
    const changes: [string, number][] = [];
    for (const zone of zones) {
      for (let day = Date.UTC(2020, 0, 1); day < Date.UTC(2030, 0, 1); day += 86_400_000) {
        if (offsetOf(day, zone) === offsetOf(day + 86_400_000, zone)) continue;
        let [lo, hi] = [day, day + 86_400_000];
        while (hi - lo > 60_000) { const mid = lo + Math.floor((hi - lo) / 2); if (offsetOf(mid, zone) === offsetOf(lo, zone)) lo = mid; else hi = mid; }
        changes.push([zone, hi]);
      }
    }
    expect(changes.filter(([z]) => z === 'America/Santiago').length).toBeGreaterThanOrEqual(18);
    const near = fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * 3600_000, max: 3 * 3600_000 })).map(([[zone, at], d]) => [at + d, zone] as const);
    const anywhere = fc.tuple(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones));
    fc.assert(fc.property(fc.oneof(near, anywhere), ([at, zone]) => {
      expect(localDay(at, zone)).toBe(intlDay(at, zone));
      expect(localDay(new Date(at), zone)).toBe(intlDay(at, zone));
    }), { numRuns: 5000 });
  });

  it('never moves backwards as time goes on, and moves at most a day per 24 hours', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Kiritimati'];
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.integer({ min: 1, max: 24 * 3600_000 }), fc.constantFrom(...zones), (at, step, zone) => {
      const a = localDay(at, zone);
      const b = localDay(at + step, zone);
      expect(b >= a).toBe(true);
      expect(b <= addDays(a, 1)).toBe(true);
    }));
  });
});

describe('bucketOf and addDays', () => {
  it('groups a day into itself, its ISO week (Monday) and its month', () => {
    expect(bucketOf('2026-01-15', 'DAY')).toBe('2026-01-15');
    expect(bucketOf('2026-01-15', 'WEEK')).toBe('2026-01-12'); // a Thursday
    expect(bucketOf('2026-01-12', 'WEEK')).toBe('2026-01-12'); // Monday itself
    expect(bucketOf('2026-01-18', 'WEEK')).toBe('2026-01-12'); // Sunday ends the week
    expect(bucketOf('2026-01-01', 'WEEK')).toBe('2025-12-29'); // across the year
    expect(bucketOf('2026-03-29', 'WEEK')).toBe('2026-03-23'); // the short DST day is a plain date
    expect(bucketOf('2026-02-28', 'MONTH')).toBe('2026-02-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
  });

  it('a week bucket is a Monday at most six days before the day', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 20_000 }), (n) => {
      const day = addDays('2000-01-01', n);
      const monday = bucketOf(day, 'WEEK');
      expect(new Date(`${monday}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(monday <= day && addDays(monday, 6) >= day).toBe(true);
      expect(bucketOf(day, 'MONTH')).toBe(`${day.slice(0, 7)}-01`);
    }));
  });
});
