// Lead-time histogram buckets: one an hour for the first 14 days, then one a day. A bucket is named by its
// lower bound in hours, so a percentile read from the histogram is that bound, exact to the bucket's width
// (1 hour up to 336 hours, 24 hours after).

const HOUR = 3_600_000;
/** Hours covered by hourly buckets (14 days). */
export const HOURLY_UNTIL = 336;

/** The bucket of a lead time in milliseconds (a negative one, clocks apart, is 0). */
export function leadBucket(ms: number): number {
  const h = Math.max(0, Math.floor(ms / HOUR));
  return h < HOURLY_UNTIL ? h : HOURLY_UNTIL + 24 * Math.floor((h - HOURLY_UNTIL) / 24);
}

/** The nearest-rank percentile (`p` in 0..1) of a histogram: the lower bound of the bucket holding it; null when empty. */
export function percentileOf(histogram: Iterable<[bucket: number, count: number]>, p: number): number | null {
  const rows = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of rows) {
    seen += n;
    if (seen >= rank) return bucket;
  }
  return rows[rows.length - 1][0];
}
