// A time zone's offset from UTC at an instant, for code that turns instants into local wall clocks on a
// hot path (a delivery promise per order, a report's local day per event). Intl's formatToParts costs
// microseconds a call; the offset is kept per zone and quarter hour when it is the same at both ends of
// it (zones change offset on the hour or half hour, or at :45, never twice in fifteen minutes), else
// measured.

const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall-clock formatter (throws a RangeError for a zone Intl does not know). */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at `at`, as formatToParts gives the wall clock then. */
function measuredOffset(at: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of zoneFormatter(timeZone).formatToParts(new Date(at))) parts[p.type] = p.value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

const QUARTER_HOUR = 900_000;
/**
 * Quarter hours kept, over all zones: a year is 35,040 of them, so a report rebuilt over a year of one
 * zone's orders (rows in any order) measures each quarter hour once, not once per row. About 3 MB.
 */
const KEPT = 60_000;
const offsets = new Map<string, Map<number, number>>();
let kept = 0;

/** The zone's offset from UTC at `at` (ms; Berlin in summer 7,200,000). */
export function offsetAt(at: number, timeZone: string): number {
  const block = Math.floor(at / QUARTER_HOUR);
  let zone = offsets.get(timeZone);
  let offset = zone?.get(block);
  if (offset === undefined) {
    const first = measuredOffset(block * QUARTER_HOUR, timeZone);
    if (first !== measuredOffset((block + 1) * QUARTER_HOUR - 1000, timeZone)) return measuredOffset(at, timeZone);
    if (kept >= KEPT) {
      offsets.clear();
      kept = 0;
      zone = undefined;
    }
    if (!zone) offsets.set(timeZone, (zone = new Map()));
    zone.set(block, (offset = first));
    kept++;
  }
  return offset;
}

/** The wall clock of `at` in `timeZone`, as a Date whose UTC fields read it (whole seconds). */
export const wallClock = (at: number, timeZone: string): Date => new Date(Math.floor(at / 1000) * 1000 + offsetAt(at, timeZone));
