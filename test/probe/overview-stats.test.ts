import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probesOverview } from "@/lib/probe/overview";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

/**
 * The probes page's raw-range statistics (lib/probe/overview.ts reads per-target and per-registry
 * stats in one GROUPING SETS query and p50/p95/p99 as one percentile_cont array) must equal what the
 * definition gives when computed independently from the rows: percentile_cont over the successful,
 * countable runs, per target, per registry and per series bucket. Two registries plus a probe with
 * no registry, so the per-registry rows (and the null group) are exercised on both adapters.
 */
function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = q * (s.length - 1);
  const lo = Math.floor(rank);
  return s[lo]! + (s[Math.ceil(rank)]! - s[lo]!) * (rank - lo);
}

interface Row {
  targetId: string;
  at: number;
  ok: boolean;
  latencyMs: number;
  errorClass: string | null;
}

function expected(rows: Row[]) {
  const countable = rows.filter((r) => r.errorClass !== "unsupported");
  const ok = countable.filter((r) => r.ok).map((r) => r.latencyMs);
  return { count: countable.length, okCount: ok.length, p50: percentileCont(ok, 0.5), p95: percentileCont(ok, 0.95), p99: percentileCont(ok, 0.99) };
}

describe.each(dbKinds)("probes overview statistics on %s", (kind) => {
  let db: TestDatabase;
  const MIN = 60_000;
  const now = Math.floor(Date.now() / MIN) * MIN;
  const rows: Row[] = [];
  const registryOf = new Map<string, string | null>();

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    for (const name of ["r1", "r2"]) await db.prisma.registry.create({ data: { name, kind: "oci", url: "http://127.0.0.1:1" } });
    const specs: [string, string | null][] = [["a", "r1"], ["b", "r1"], ["c", "r2"], ["d", null], ["quiet", "r2"]];
    const ids: string[] = [];
    for (const [name, registryName] of specs) {
      const t = await db.prisma.probeTarget.create({ data: { name, kind: "reachability", registryName, params: {}, intervalSeconds: 60, timeoutMs: 1000 } });
      registryOf.set(t.id, registryName);
      if (name !== "quiet") ids.push(t.id);
    }
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // 26 hours of one-minute results: the first two hours fall outside the 24-hour range
    for (let t = now - 26 * 60 * MIN; t < now; t += MIN) {
      for (const [k, id] of ids.entries()) {
        const fail = rand() < 0.05;
        const unsupported = !fail && rand() < 0.02;
        rows.push({ targetId: id, at: t + k * 11, ok: !fail && !unsupported, latencyMs: Math.round((2 + rand() ** 3 * (100 + k * 300)) * 100) / 100, errorClass: fail ? "timeout" : unsupported ? "unsupported" : null });
      }
    }
    // a target that always fails: counted, but its percentiles are null
    const down = await db.prisma.probeTarget.create({ data: { name: "down", kind: "reachability", registryName: "r2", params: {}, intervalSeconds: 60, timeoutMs: 1000 } });
    registryOf.set(down.id, "r2");
    for (let i = 0; i < 3; i++) rows.push({ targetId: down.id, at: now - 60 * MIN + i * 1000 + 500, ok: false, latencyMs: 1000, errorClass: "timeout" });
    await db.prisma.probeResult.createMany({ data: rows.map((r) => ({ ...r, kind: "reachability", at: new Date(r.at) })) });
  }, 120_000);
  afterAll(async () => {
    await db?.dispose();
  });

  it("gives exact per-target, per-registry and per-bucket figures for the 24-hour range", async () => {
    const from = now - 24 * 60 * MIN;
    const overview = await probesOverview(db.prisma, "24h", now);
    const inRange = rows.filter((r) => r.at >= from);
    for (const group of overview.groups) {
      const e = expected(inRange.filter((r) => registryOf.get(r.targetId) === group.registry));
      expect({ count: group.count, okCount: group.okCount, p50: group.p50, p95: group.p95, p99: group.p99 }, `registry ${group.registry}`).toEqual({
        count: e.count,
        okCount: e.okCount,
        p50: e.p50 === null ? null : expect.closeTo(e.p50, 9),
        p95: e.p95 === null ? null : expect.closeTo(e.p95, 9),
        p99: e.p99 === null ? null : expect.closeTo(e.p99, 9),
      });
      for (const target of group.targets) {
        const own = inRange.filter((r) => r.targetId === target.id);
        const t = expected(own);
        expect(target.count, target.name).toBe(t.count);
        expect(target.okCount).toBe(t.okCount);
        for (const q of ["p50", "p95", "p99"] as const) {
          if (t[q] === null) expect(target[q]).toBeNull();
          else expect(target[q]).toBeCloseTo(t[q]!, 9);
        }
        // series: 15-minute buckets aligned like date_bin from 2000-01-01 (a multiple of 15 minutes in epoch ms)
        const buckets = new Map<number, Row[]>();
        for (const r of own.filter((x) => x.errorClass !== "unsupported")) {
          const b = Math.floor(r.at / 900_000) * 900_000;
          buckets.set(b, [...(buckets.get(b) ?? []), r]);
        }
        expect(target.series.map((p) => p.t)).toEqual([...buckets.keys()].sort((x, y) => x - y));
        for (const p of target.series) {
          const b = expected(buckets.get(p.t)!);
          expect(p.count).toBe(b.count);
          for (const q of ["p50", "p95", "p99"] as const) {
            if (b[q] === null) expect(p[q], `${target.name} ${q} at ${p.t}`).toBeNull();
            else expect(p[q]).toBeCloseTo(b[q]!, 9);
          }
        }
      }
    }
    expect(overview.groups.map((g) => g.registry)).toEqual(["r1", "r2", null]);
    const quiet = overview.groups[1]!.targets.find((t) => t.name === "quiet")!;
    expect([quiet.count, quiet.p50, quiet.series.length]).toEqual([0, null, 0]);
    const down = overview.groups[1]!.targets.find((t) => t.name === "down")!;
    expect([down.count, down.okCount, down.p95, down.series.map((p) => [p.count, p.p50])]).toEqual([3, 0, null, [[3, null]]]);
  });
});
