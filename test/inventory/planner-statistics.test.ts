/**
 * A sync that fills or rewrites much of the index refreshes the planner's statistics itself: PGlite
 * has no autovacuum and a PostgreSQL server may run without it, and stale statistics made the
 * enrichment's referrers query walk every tag of a 100,000-tag environment (planner-statistics.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needsAnalyze } from "@/lib/inventory/index/planner-statistics";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { stopAll } from "../harness/teardown";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

describe("needsAnalyze", () => {
  it("takes autovacuum's default threshold: more than 50 rows plus a tenth of the table changed", () => {
    expect(needsAnalyze(51, 0)).toBe(true);
    expect(needsAnalyze(50, 0)).toBe(false);
    expect(needsAnalyze(1_000, 100_000)).toBe(false); // an incremental sync after 1% new tags
    expect(needsAnalyze(10_051, 100_000)).toBe(true);
  });
});

describe.each(dbKinds)("planner statistics after a sync on %s", (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let provider: OciProvider;
  const TAGS = 60;
  const plannedRows = async () => Number((await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'InventoryTag'`))[0]!.n);

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry();
    provider = createOciProvider({ name: "stats", url: registry.url, auth: { kind: "anonymous" } });
    const image = buildImage({ layerSize: 32 });
    for (let i = 0; i < TAGS; i++) await pushImage(provider, "dev/app", image, `t${i}`);
  });
  afterAll(() => stopAll(provider, registry, db));

  it("a first full sync of more than 50 tags leaves the tag table analyzed with its real size", async () => {
    expect(await plannedRows()).toBeLessThan(TAGS); // never analyzed: -1 (or 0) until something does
    const report = await syncEnvironment(db.prisma, { environment: "dev", namespace: "dev", provider }, { mode: "full" });
    expect(report.changes.created).toBe(TAGS);
    expect(await plannedRows()).toBe(TAGS);
  });
});
