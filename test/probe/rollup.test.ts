import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { histogramIndex } from "@/lib/probe/histogram";
import { probesOverview } from "@/lib/probe/overview";
import { storeResult } from "@/lib/probe/results";
import { pruneResults, rollupPending, ROLLUP_BUCKETS } from "@/lib/probe/rollup";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const HOUR = 3_600_000;
const bucketOf = (t: number, seconds: number) => Math.floor(t / (seconds * 1000)) * seconds * 1000;

/**
 * The definition the rollups promise (see lib/probe/rollup.ts), written out independently:
 * percentile_cont = linear interpolation at rank q·(n−1) of the sorted latencies of successful runs.
 */
function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = q * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

describe.each(dbKinds)("rollups on %s", (kind) => {
  let db: TestDatabase;
  const now = Math.floor(Date.now() / HOUR) * HOUR + 20 * 60_000; // 20 minutes into the current hour
  const start = now - 3 * HOUR;
  const ids: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
    for (const name of ["a", "b"]) {
      ids.push((await db.prisma.probeTarget.create({ data: { name, kind: "reachability", registryName: "r", params: {}, intervalSeconds: 60, timeoutMs: 1000 } })).id);
    }
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const rows = [];
    for (let t = start; t < now; t += 20_000) {
      for (const [k, id] of ids.entries()) {
        const fail = rand() < 0.07;
        const unsupported = !fail && rand() < 0.02;
        rows.push({
          targetId: id,
          kind: "reachability",
          at: new Date(t + k * 7),
          ok: !fail && !unsupported,
          latencyMs: Math.round((3 + rand() ** 4 * (k === 0 ? 200 : 900)) * 100) / 100,
          errorClass: fail ? "timeout" : unsupported ? "unsupported" : null,
        });
      }
    }
    await db.prisma.probeResult.createMany({ data: rows });
  }, 60_000);
  afterAll(async () => {
    await db?.dispose();
  });

  async function expectRollupsMatchRaw() {
    const raw = await db.prisma.probeResult.findMany({ where: { OR: [{ errorClass: null }, { errorClass: { not: "unsupported" } }] } });
    const all = [];
    for (const size of ROLLUP_BUCKETS) {
      const buckets = new Map<string, typeof raw>();
      for (const r of raw) {
        const key = `${r.targetId}@${bucketOf(r.at.getTime(), size)}`;
        buckets.set(key, [...(buckets.get(key) ?? []), r]);
      }
      const rollups = await db.prisma.probeRollup.findMany({ where: { bucketSeconds: size } });
      expect(rollups.length).toBe(buckets.size);
      for (const roll of rollups) {
        const rows = buckets.get(`${roll.targetId}@${roll.bucketStart.getTime()}`)!;
        expect(rows, `${size} s bucket ${roll.bucketStart.toISOString()}`).toBeDefined();
        const ok = rows.filter((r) => r.ok).map((r) => r.latencyMs);
        expect(roll.count).toBe(rows.length);
        expect(roll.okCount).toBe(ok.length);
        for (const [q, field] of [[0.5, "p50"], [0.95, "p95"], [0.99, "p99"]] as const) {
          expect(roll[field]).toBeCloseTo(percentileCont(ok, q)!, 9);
        }
        expect(roll.maxLatency).toBe(Math.max(...ok));
        const hist: Record<string, number> = {};
        for (const v of ok) hist[histogramIndex(v)] = (hist[histogramIndex(v)] ?? 0) + 1;
        expect(roll.histogram).toEqual(hist);
      }
      all.push(...rollups);
    }
    return all;
  }

  const distinctBuckets = (size: number) => new Set(Array.from({ length: 3 * 180 }, (_, i) => bucketOf(start + i * 20_000, size))).size;

  it("computes per-bucket counts and percentiles equal to those computed from the raw rows", async () => {
    const hours = distinctBuckets(3600);
    expect(hours).toBe(4); // 3 full hours and the partial one
    expect(await rollupPending(db.prisma, now)).toBe(2 * (hours + distinctBuckets(21_600)));
    const rollups = await expectRollupsMatchRaw();
    expect(rollups.every((r) => r.count >= 50 && r.okCount < r.count)).toBe(true); // failures counted, not in the percentiles
  });

  it("re-computes the partial hour as more rows arrive, and nothing else changes", async () => {
    const before = await db.prisma.probeRollup.findMany({ orderBy: [{ targetId: "asc" }, { bucketStart: "asc" }] });
    await storeResult(db.prisma, { id: ids[0]!, kind: "reachability" }, { ok: true, latencyMs: 5000 }, { at: new Date(now + 1000) });
    await rollupPending(db.prisma, now + 2000);
    const after = await expectRollupsMatchRaw();
    const changed = after.filter((a) => {
      const b = before.find((x) => x.targetId === a.targetId && x.bucketSeconds === a.bucketSeconds && x.bucketStart.getTime() === a.bucketStart.getTime())!;
      return b.count !== a.count || b.p99 !== a.p99;
    });
    expect(changed.map((c) => [c.targetId, c.bucketSeconds, c.bucketStart.getTime()]).sort()).toEqual(
      ROLLUP_BUCKETS.map((size) => [ids[0], size, bucketOf(now, size)]).sort(),
    );
  });

  it("serves short ranges exactly from raw rows and long ranges from rollups", async () => {
    const day = await probesOverview(db.prisma, "24h", now + 5000);
    const a = day.groups.find((g) => g.registry === "r")!.targets.find((t) => t.name === "a")!;
    const okA = (await db.prisma.probeResult.findMany({ where: { targetId: ids[0], ok: true } })).map((r) => r.latencyMs);
    expect(a.approximate).toBe(false);
    expect(a.p95).toBeCloseTo(percentileCont(okA, 0.95)!, 9);
    expect(a.series.length).toBe(4 * 3 + 1); // 15-minute buckets over the 3 hours of data, plus the one with the extra row

    const month = await probesOverview(db.prisma, "30d", now + 5000);
    const aMonth = month.groups.find((g) => g.registry === "r")!.targets.find((t) => t.name === "a")!;
    expect(aMonth.approximate).toBe(true);
    expect(aMonth.count).toBe(a.count);
    expect(aMonth.okCount).toBe(a.okCount);
    expect(Math.abs(aMonth.p95! - a.p95!) / a.p95!).toBeLessThan(0.1); // histogram resolution
    expect(aMonth.series.map((p) => p.t)).toEqual([...new Set([start, now].map((t) => bucketOf(t, 21_600)))]); // 6-hour points
    const week = await probesOverview(db.prisma, "7d", now + 5000);
    expect(week.groups.find((g) => g.registry === "r")!.targets.find((t) => t.name === "a")!.series.map((p) => p.t)).toEqual([3, 2, 1, 0].map((h) => bucketOf(now, 3600) - h * HOUR));
  });

  it("prunes raw rows past the retention window and keeps the rollups", async () => {
    const cutoff = now - 2 * HOUR;
    const old = await db.prisma.probeResult.count({ where: { at: { lt: new Date(cutoff) } } });
    expect(old).toBeGreaterThan(0);
    const pruned = await pruneResults(db.prisma, { rawDays: 2 / 24, rollupDays: 30 }, now);
    expect(pruned).toEqual({ raw: old, rollups: 0 });
    expect(await db.prisma.probeResult.count({ where: { at: { lt: new Date(cutoff) } } })).toBe(0);
    expect(await db.prisma.probeRollup.count()).toBe(2 * (distinctBuckets(3600) + distinctBuckets(21_600)));
  });
});
