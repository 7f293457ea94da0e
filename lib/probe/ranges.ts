/** The probes page's time ranges: pure data, shared by the server queries and the client components. */

/**
 * Rollup bucket widths written by lib/probe/rollup.ts: hourly for the 7-day view, 6-hourly for the
 * 30-day view, so a chart line has 120–170 points whatever the range (the 30-day chart of one
 * registry would otherwise read 720 rows per probe).
 */
export const ROLLUP_BUCKETS = [3600, 21_600] as const;
export const ROLLUP_BUCKET_SECONDS = ROLLUP_BUCKETS[0];

export const rangeKeys = ["1h", "24h", "7d", "30d"] as const;
export type RangeKey = (typeof rangeKeys)[number];

export const RANGES: Record<RangeKey, { ms: number; bucketSeconds: number; source: "raw" | "rollup"; label: string }> = {
  "1h": { ms: 3_600_000, bucketSeconds: 60, source: "raw", label: "last hour, per minute" },
  "24h": { ms: 86_400_000, bucketSeconds: 900, source: "raw", label: "last 24 hours, per 15 minutes" },
  "7d": { ms: 7 * 86_400_000, bucketSeconds: ROLLUP_BUCKETS[0], source: "rollup", label: "last 7 days, hourly" },
  "30d": { ms: 30 * 86_400_000, bucketSeconds: ROLLUP_BUCKETS[1], source: "rollup", label: "last 30 days, per 6 hours" },
};

export function parseRange(v: unknown): RangeKey {
  return rangeKeys.includes(v as RangeKey) ? (v as RangeKey) : "24h";
}

