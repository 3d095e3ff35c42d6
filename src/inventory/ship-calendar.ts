// When a location ships an order placed now: today if it is a working day there and the location's
// cut-off time has not passed (in the location's own time zone), else its next working day, plus its
// handling days (working days). A delivery promise is that day plus the shipping method's transit days.
// Pure functions of the clock they are given, so a checkout's promise and the tests agree.
import { offsetAt, zoneFormatter } from '../kernel/zone-offset.js';

export interface ShipCalendar {
  /** IANA time zone of the location ('Europe/Berlin'); UTC when not set. */
  timeZone?: string | null;
  /** 'HH:MM' local: orders placed after it ship the next working day; none: any time of a working day. */
  cutoffTime?: string | null;
  /** ISO weekdays the location ships on (1 = Monday … 7 = Sunday); Monday to Friday when not set. */
  workingDays?: number[] | null;
  /** Working days between the order and its handover (0: the same day). */
  handlingDays?: number | null;
}

const DAY = 86_400_000;

interface Local { y: number; m: number; d: number; weekday: number; minutes: number; offsetMs: number }

/** The wall clock of `at` in `timeZone`, and the zone's offset from UTC then. */
function local(at: number, timeZone: string): Local {
  const offsetMs = offsetAt(at, timeZone);
  const wall = new Date(Math.floor(at / 1000) * 1000 + offsetMs);
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate(), weekday: wall.getUTCDay() || 7, minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(), offsetMs };
}

/**
 * The instant of a local date and time in `timeZone`, with the offset of that day (summer time counts).
 * Around a switch, the zone's offsets a day before and a day after are the two it can have: the earlier
 * instant that shows this wall time wins (a time an autumn switch repeats), and a time a spring switch
 * skips (Santiago's midnight on its switch day) is read with the offset before the switch, which is the
 * instant just after the gap (as Temporal's `compatible`), never one on the previous day.
 */
function instant(y: number, m: number, d: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const shows = (offset: number) => offsetAt(wall - offset, timeZone) === offset;
  const times = [before, after].filter(shows).map((offset) => wall - offset);
  return times.length ? Math.min(...times) : wall - before;
}

export const parseCutoff = (t: string | null | undefined): number | null => {
  if (!t) return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/** Checks a location's calendar as an input gives it; the message of the first problem, or null. */
export function calendarProblem(c: ShipCalendar): string | null {
  if (c.timeZone) {
    try {
      zoneFormatter(c.timeZone);
    } catch {
      return `timeZone "${c.timeZone}" is not an IANA time zone such as Europe/Berlin`;
    }
  }
  if (c.cutoffTime && parseCutoff(c.cutoffTime) === null) return 'cutoffTime is HH:MM (24 hours), for example 15:00';
  if (c.workingDays && (!c.workingDays.length || c.workingDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))) return 'workingDays are ISO weekdays 1 (Monday) to 7 (Sunday), at least one';
  return null;
}

/**
 * When the location hands over an order placed at `now`: the instant of its cut-off (end of the day
 * when it has none) on the day it ships.
 */
export function shipsAt(c: ShipCalendar, now: number): Date {
  const tz = c.timeZone || 'UTC';
  const working = new Set(c.workingDays?.length ? c.workingDays : [1, 2, 3, 4, 5]);
  const cutoff = parseCutoff(c.cutoffTime) ?? 24 * 60 - 1;
  const today = local(now, tz);
  // Day 0 is today (local); walk forward over the calendar by whole days, from local noon (no DST edge).
  const noon = Date.UTC(today.y, today.m - 1, today.d, 12);
  let day = 0;
  const weekdayOf = (n: number) => ((today.weekday - 1 + n) % 7) + 1;
  if (!working.has(today.weekday) || today.minutes >= cutoff) day = 1;
  let handling = Math.max(0, c.handlingDays ?? 0);
  for (let guard = 0; guard < 366; guard++) {
    if (working.has(weekdayOf(day))) {
      if (handling === 0) break;
      handling--;
    }
    day++;
  }
  const d = new Date(noon + day * DAY);
  return new Date(instant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), cutoff, tz));
}

/** A delivery promise: the latest handover of the order's shipments plus the method's transit days. */
export const deliveredBy = (latestShipsAt: Date, transitDays: number): Date => new Date(latestShipsAt.getTime() + Math.max(0, transitDays) * DAY);
