// When a location ships (cut-off time in its own time zone, working days, handling days) and what that
// promises, on fixed clocks: the checkout's delivery promise is this arithmetic.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calendarProblem, deliveredBy, shipsAt } from '../../src/inventory/ship-calendar.js';

const at = (iso: string) => Date.parse(iso);

/** The wall clock of an instant in a zone, read from Intl directly (what the location's staff see). */
function wall(instant: number, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday) + 1, minutes: Number(p.hour) * 60 + Number(p.minute) };
}
const berlin = { timeZone: 'Europe/Berlin', cutoffTime: '14:00' };

describe('ship calendar', () => {
  it('ships today before the cut-off and the next working day after it, in the location\'s time zone', () => {
    // Tuesday 1 December 2026, 11:00 in Berlin (UTC+1): today at 14:00 Berlin.
    expect(shipsAt(berlin, at('2026-12-01T10:00:00Z')).toISOString()).toBe('2026-12-01T13:00:00.000Z');
    // 14:30 in Berlin: past the cut-off, Wednesday.
    expect(shipsAt(berlin, at('2026-12-01T13:30:00Z')).toISOString()).toBe('2026-12-02T13:00:00.000Z');
    // The same instant in Chicago is 07:30, before a 17:00 cut-off there.
    expect(shipsAt({ timeZone: 'America/Chicago', cutoffTime: '17:00' }, at('2026-12-01T13:30:00Z')).toISOString()).toBe('2026-12-01T23:00:00.000Z');
  });

  it('skips days the location does not work, and counts handling days as working days', () => {
    // Friday after the cut-off: Monday.
    expect(shipsAt(berlin, at('2026-12-04T15:00:00Z')).toISOString()).toBe('2026-12-07T13:00:00.000Z');
    // Saturday morning, before the cut-off but not a working day: Monday.
    expect(shipsAt(berlin, at('2026-12-05T08:00:00Z')).toISOString()).toBe('2026-12-07T13:00:00.000Z');
    // A shop that works Saturdays ships then.
    expect(shipsAt({ ...berlin, workingDays: [1, 2, 3, 4, 5, 6] }, at('2026-12-05T08:00:00Z')).toISOString()).toBe('2026-12-05T13:00:00.000Z');
    // Two handling days from Thursday morning: Monday (Friday and Monday are working days).
    expect(shipsAt({ ...berlin, handlingDays: 2 }, at('2026-12-03T08:00:00Z')).toISOString()).toBe('2026-12-07T13:00:00.000Z');
  });

  it('follows summer time: the cut-off is local wall-clock time', () => {
    expect(shipsAt(berlin, at('2026-07-01T08:00:00Z')).toISOString()).toBe('2026-07-01T12:00:00.000Z');
    // The Friday before the switch to winter time (25 October 2026) ships on Monday at 14:00 CET.
    expect(shipsAt(berlin, at('2026-10-23T13:00:00Z')).toISOString()).toBe('2026-10-26T13:00:00.000Z');
    // A cut-off the switch skips (Santiago moved midnight to 01:00 on 3 September 2023; Chatham 02:45 to
    // 03:45 on 26 September 2027): just after the gap, on that day, not an hour before it.
    expect(shipsAt({ timeZone: 'America/Santiago', cutoffTime: '00:00', workingDays: [7, 1] }, at('2023-08-28T04:00:00Z')).toISOString()).toBe('2023-09-03T04:00:00.000Z');
    expect(shipsAt({ timeZone: 'Pacific/Chatham', cutoffTime: '02:45', workingDays: [7, 1] }, at('2027-09-25T13:01:00Z')).toISOString()).toBe('2027-09-25T14:00:00.000Z');
    // A cut-off the autumn switch repeats (Berlin's 02:30 on 25 October 2026): the first of the two.
    expect(shipsAt({ timeZone: 'Europe/Berlin', cutoffTime: '02:30', workingDays: [7] }, at('2026-10-24T12:00:00Z')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('without a cut-off ships any time of a working day; UTC and Monday to Friday by default', () => {
    expect(shipsAt({}, at('2026-12-01T22:00:00Z')).toISOString()).toBe('2026-12-01T23:59:00.000Z');
    expect(shipsAt({}, at('2026-12-05T10:00:00Z')).toISOString()).toBe('2026-12-07T23:59:00.000Z');
  });

  it('promises the handover plus the transit days, and refuses calendars it cannot read', () => {
    expect(deliveredBy(new Date('2026-12-01T13:00:00Z'), 3).toISOString()).toBe('2026-12-04T13:00:00.000Z');
    expect(calendarProblem({ timeZone: 'Mars/Olympus' })).toMatch(/time zone/);
    expect(calendarProblem({ cutoffTime: '25:00' })).toMatch(/HH:MM/);
    expect(calendarProblem({ workingDays: [0] })).toMatch(/weekdays/);
    expect(calendarProblem({ timeZone: 'Asia/Tokyo', cutoffTime: '09:30', workingDays: [1, 7] })).toBeNull();
  });

  it('hands over at the local cut-off of a working day, the first one due, in zones with odd offsets and summer time', () => {
    // Zones whose offsets are not whole hours, or change by half an hour (Lord Howe), or cross the date line.
    const zones = ['Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Pacific/Apia', 'UTC'];
    fc.assert(fc.property(
      fc.constantFrom(...zones),
      fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2031-01-01T00:00:00Z') }),
      fc.integer({ min: 0, max: 23 * 60 + 59 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      (timeZone, now, cut, workingDays) => {
        const cutoffTime = `${String(Math.floor(cut / 60)).padStart(2, '0')}:${String(cut % 60).padStart(2, '0')}`;
        const handover = shipsAt({ timeZone, cutoffTime, workingDays }, now).getTime();
        const w = wall(handover, timeZone);
        // A local cut-off that does not exist that day (skipped by a summer-time switch) lands just after it.
        expect(Math.abs(w.minutes - cut)).toBeLessThanOrEqual(60);
        expect(workingDays).toContain(w.weekday);
        expect(handover).toBeGreaterThan(now - 60_000);
        // No working day before it whose cut-off was still ahead: the days between are not working days,
        // and today counts only when its cut-off had passed.
        const today = wall(now, timeZone);
        if (w.day !== today.day) {
          expect(workingDays.includes(today.weekday) && today.minutes < cut).toBe(false);
          for (let d = 1; ; d++) {
            const between = wall(now + d * 86_400_000, timeZone);
            if (between.day >= w.day) break;
            expect(workingDays).not.toContain(between.weekday);
          }
        }
      },
    ), { numRuns: 2000 });
  });
});
