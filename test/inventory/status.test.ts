/**
 * The sync status rows and the /metrics gauge, from sync state written by the real lease functions:
 * never synced, fresh, stale with the registry's error, running under a held lease, and overdue when
 * the maintenance job has not synced an environment for three of its runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireSyncLease, finishSync } from "@/lib/inventory/index/lease";
import { countStaleEnvironments, OVERDUE_AFTER_MS, syncStatusRows } from "@/lib/inventory/index/status";
import { probeMetrics, refreshDbGauges } from "@/lib/probe/metrics";
import { openTestDatabase, type TestDatabase } from "../support/db";

const outcome = { mode: "full" as const, repositories: 4, tags: 9, manifestsFetched: 3, durationMs: 1234 };

describe("inventory sync status", () => {
  let db: TestDatabase;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const oci = await db.prisma.registry.create({ data: { name: "local", kind: "oci", url: "http://127.0.0.1:9" } });
    const hub = await db.prisma.registry.create({ data: { name: "hub", kind: "dockerhub", url: "http://127.0.0.1:9" } });
    const envs = [["never", oci], ["fresh", oci], ["stale", oci], ["running", oci], ["overdue", oci], ["hubold", hub]] as const;
    for (const [i, [name, reg]] of envs.entries()) await db.prisma.environment.create({ data: { name, order: i, registryId: reg.id, namespace: name } });

    const sync = async (environment: string, at: Date, error: string | null = null) => {
      const lease = (await acquireSyncLease(db.prisma, environment, `owner-${environment}`, "full", () => at))!;
      await finishSync(db.prisma, lease, outcome, error, at);
    };
    await sync("fresh", ago(60_000));
    await sync("stale", ago(OVERDUE_AFTER_MS * 2));
    await sync("stale", ago(120_000), "GET /v2/_catalog: 503 Service Unavailable");
    await sync("running", ago(60_000));
    await acquireSyncLease(db.prisma, "running", "replica-7", "full", () => ago(1000));
    await sync("overdue", ago(OVERDUE_AFTER_MS + 60_000));
    // Docker Hub is synced on the timer too (through its API): an old sync there is a missed one
    await sync("hubold", ago(OVERDUE_AFTER_MS * 10));
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("says per environment when it last synced, how long ago, and what is wrong", async () => {
    const rows = await syncStatusRows(db.prisma, "all", now);
    expect(rows.map((r) => [r.environment, r.state])).toEqual([
      ["never", "never"],
      ["fresh", "fresh"],
      ["stale", "stale"],
      ["running", "running"],
      ["overdue", "overdue"],
      ["hubold", "overdue"],
    ]);
    const by = new Map(rows.map((r) => [r.environment, r]));
    expect(by.get("never")).toMatchObject({ lastFullAt: null, lag: null, durationMs: null, repositories: 0, running: null, stale: null, overdue: false });
    expect(by.get("fresh")).toMatchObject({ lag: 60_000, durationMs: 1234, repositories: 4, tags: 9, lastFullAt: ago(60_000), running: null, stale: null });
    // a failed sync keeps the last successful time, so the lag is since the last good one
    expect(by.get("stale")).toMatchObject({ lag: OVERDUE_AFTER_MS * 2, stale: { since: ago(120_000), error: "GET /v2/_catalog: 503 Service Unavailable" }, overdue: true });
    expect(by.get("running")!.running).toEqual({ owner: "replica-7", until: new Date(ago(1000).getTime() + 60_000) });
    expect(by.get("overdue")).toMatchObject({ overdue: true, stale: null });
    expect(by.get("hubold")).toMatchObject({ overdue: true });
  });

  it("a lease that expired is not a running sync", async () => {
    const later = new Date(now.getTime() + 120_000);
    const row = (await syncStatusRows(db.prisma, ["running"], later))[0]!;
    expect(row.running).toBeNull();
    expect(row.state).toBe("fresh");
  });

  it("shows only the environments the viewer may see", async () => {
    expect((await syncStatusRows(db.prisma, ["fresh", "overdue"], now)).map((r) => r.environment)).toEqual(["fresh", "overdue"]);
    expect(await syncStatusRows(db.prisma, [], now)).toEqual([]);
  });

  it("counts stale and overdue environments, and /metrics exposes the count", async () => {
    // stale, overdue and hubold (overdue too: Docker Hub is on the timer)
    expect(await countStaleEnvironments(db.prisma, now)).toBe(3);
    await refreshDbGauges(db.prisma);
    expect(await probeMetrics().registry.metrics()).toContain("dockmaster_inventory_stale_environments 3");
  });
});
