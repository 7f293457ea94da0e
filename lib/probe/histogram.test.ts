import { describe, expect, it } from "vitest";
import { HISTOGRAM_BASE, estimateQuantile, histogramIndex, mergeInto, type Histogram } from "./histogram";

// percentile_cont: linear interpolation at rank q·(n−1) of the sorted values
function exact(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = q * (s.length - 1);
  const lo = Math.floor(rank);
  return s[lo]! + (s[Math.ceil(rank)]! - s[lo]!) * (rank - lo);
}

describe("latency histogram", () => {
  it("puts a latency in the bucket whose bounds contain it", () => {
    for (const ms of [1, 1.5, 7, 42, 999, 12_345]) {
      const i = histogramIndex(ms);
      expect(HISTOGRAM_BASE ** i).toBeLessThanOrEqual(ms * (1 + 1e-12));
      expect(HISTOGRAM_BASE ** (i + 1)).toBeGreaterThan(ms);
    }
    expect(histogramIndex(0.2)).toBe(0);
  });

  it("estimates percentiles of merged buckets within the bucket resolution (±10%)", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // two "hours" with different latency profiles, merged as a 30-day query would
    const hourA = Array.from({ length: 3000 }, () => 5 + rand() * 20);
    const hourB = Array.from({ length: 1000 }, () => 40 + rand() ** 3 * 400);
    const merged: Histogram = new Map();
    for (const v of [...hourA, ...hourB]) mergeInto(merged, histogramIndex(v), 1);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = exact([...hourA, ...hourB], q);
      const est = estimateQuantile(merged, q)!;
      expect(Math.abs(est - truth) / truth).toBeLessThan(0.1);
    }
    expect(estimateQuantile(new Map(), 0.5)).toBeNull();
  });
});
