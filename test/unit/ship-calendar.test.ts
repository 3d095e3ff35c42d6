// When a location ships (cut-off time in its own time zone, working days, handling days) and what that
// promises, on fixed clocks: the checkout's delivery promise is this arithmetic.
import { describe, expect, it } from 'vitest';
import { calendarProblem, deliveredBy, shipsAt } from '../../src/inventory/ship-calendar.js';

const at = (iso: string) => Date.parse(iso);
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
});
