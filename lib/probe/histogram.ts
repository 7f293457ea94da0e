/**
 * Log-scale latency histogram stored with each rollup bucket. Exact percentiles cannot be merged
 * across buckets; histograms can, so a 30-day p95 is estimated from 720 hourly histograms. Bucket i
 * holds latencies in [BASE^i, BASE^(i+1)) ms, so an estimate is within ±10% of the true value.
 */
export const HISTOGRAM_BASE = 1.2;
const HISTOGRAM_MAX_INDEX = 80; // 1.2^80 ms ≈ 37 minutes: beyond any probe timeout

/** The same expression as the SQL in rollup.ts; kept in step by a test. */
export function histogramIndex(latencyMs: number): number {
  const i = Math.floor(Math.log(Math.max(latencyMs, 1)) / Math.log(HISTOGRAM_BASE));
  return Math.min(HISTOGRAM_MAX_INDEX, Math.max(0, i));
}

export const HISTOGRAM_INDEX_SQL = (column: string) =>
  `LEAST(${HISTOGRAM_MAX_INDEX}, GREATEST(0, floor(ln(GREATEST(${column}, 1)) / ln(${HISTOGRAM_BASE}))))::int`;

export type Histogram = Map<number, number>;

export function mergeInto(target: Histogram, index: number, count: number): void {
  target.set(index, (target.get(index) ?? 0) + count);
}

/**
 * The q-quantile estimated as the geometric middle of the bucket holding rank q·(n−1) (the rank
 * percentile_cont interpolates at), or null for an empty histogram.
 */
export function estimateQuantile(h: Histogram, q: number): number | null {
  const entries = [...h.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return null;
  const rank = q * (n - 1);
  let seen = 0;
  for (const [i, c] of entries) {
    seen += c;
    if (rank < seen) return HISTOGRAM_BASE ** (i + 0.5);
  }
  return HISTOGRAM_BASE ** (entries[entries.length - 1]![0] + 0.5);
}
