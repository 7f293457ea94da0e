/**
 * The drift matrix in SQL over the index: same digest everywhere, differing digests, a tag missing in
 * one environment, paging and filtering on the server, how current each column is, and per-environment
 * roles (a dev-only viewer gets no prod column and no prod-only row). On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { applyObservation } from "@/lib/inventory/index/snapshot";
import { driftMatrix } from "@/lib/replication/drift";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const d = (c: string) => "sha256:" + c.repeat(64);
const [A, B, C] = [d("a"), d("b"), d("c")];
// recent: an older sync of a timer-synced environment would read as overdue
const SYNCED = new Date(Date.now() - 60_000);

describe.each(dbKinds)("drift matrix from the index on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const reg = await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
    // dev and test share a registry under namespaces; prod lives at the root of another
    const other = await db.prisma.registry.create({ data: { name: "p", kind: "oci", url: "http://127.0.0.1:2" } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    await db.prisma.environment.create({ data: { name: "test", order: 2, registryId: reg.id, namespace: "test/" } });
    await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: other.id, namespace: "" } });
    await db.prisma.environment.create({ data: { name: "qa", order: 4, registryId: other.id, namespace: "qa" } });
    const observe = (environment: string, repository: string, tags: [string, string][]) =>
      applyObservation(db.prisma, { environment, repository, tags: new Map(tags), coverage: "complete" }, { source: "full_sync" });
    await observe("dev", "dev/api", [["1.0", A], ["1.1", B], ["2.0", C], ["dev-only", C]]);
    await observe("test", "test/api", [["1.0", A], ["1.1", B], ["2.0", C]]);
    await observe("prod", "api", [["1.0", A], ["1.1", C], ["prod-only", A]]);
    // web: 30 tags in dev and prod, all equal, for paging
    await observe("dev", "dev/web", Array.from({ length: 30 }, (_, i) => [`v${String(i).padStart(2, "0")}`, A] as [string, string]));
    await observe("prod", "web", Array.from({ length: 30 }, (_, i) => [`v${String(i).padStart(2, "0")}`, A] as [string, string]));
    await db.prisma.inventorySyncState.create({ data: { environment: "dev", lastFullAt: SYNCED } });
    await db.prisma.inventorySyncState.create({ data: { environment: "test", lastIncrementalAt: SYNCED } });
    await db.prisma.inventorySyncState.create({ data: { environment: "prod", lastFullAt: SYNCED, staleSince: new Date("2026-11-30T09:00:00Z"), error: "registry down" } });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("rows compare the name inside each namespace; differing digests first, with the odd one out", async () => {
    const m = await driftMatrix(db.prisma, "all", { pageSize: 3 });
    expect(m.shared).toBe(33);
    expect(m.mismatches).toBe(1);
    expect(m.matching).toBe(33);
    expect(m.pageCount).toBe(11);
    expect(m.rows.map((r) => [r.repository, r.tag, r.consistent, r.variants])).toEqual([
      ["api", "1.1", false, 2],
      ["api", "1.0", true, 1],
      ["api", "2.0", true, 1],
    ]);
    const [drift, equal, missing] = m.rows;
    expect(drift!.cells).toEqual({ dev: { digest: B, repository: "dev/api" }, test: { digest: B, repository: "test/api" }, prod: { digest: C, repository: "api" } });
    expect(drift!.majority).toBe(B);
    expect(Object.keys(equal!.cells)).toEqual(["dev", "test", "prod"]);
    // missing in prod: present in two environments, no prod cell
    expect(missing!.cells.prod).toBeUndefined();
    expect(Object.keys(missing!.cells).sort()).toEqual(["dev", "test"]);
  });

  it("pages and filters on the server", async () => {
    const page2 = await driftMatrix(db.prisma, "all", { pageSize: 10, page: 2 });
    expect(page2.rows.map((r) => `${r.repository}:${r.tag}`)).toEqual(["web:v07", "web:v08", "web:v09", "web:v10", "web:v11", "web:v12", "web:v13", "web:v14", "web:v15", "web:v16"]);
    const last = await driftMatrix(db.prisma, "all", { pageSize: 10, page: 4 });
    expect(last.rows.map((r) => r.tag)).toEqual(["v27", "v28", "v29"]);
    const beyond = await driftMatrix(db.prisma, "all", { pageSize: 10, page: 9 });
    expect([beyond.rows, beyond.shared, beyond.matching]).toEqual([[], 33, 33]);
    const filtered = await driftMatrix(db.prisma, "all", { filter: "V2" });
    expect(filtered.rows.map((r) => r.tag)).toEqual(Array.from({ length: 10 }, (_, i) => `v2${i}`));
    expect(filtered.matching).toBe(10);
    // the repository name matches too, inside the namespace
    expect((await driftMatrix(db.prisma, "all", { filter: "API" })).rows.map((r) => r.tag)).toEqual(["1.1", "1.0", "2.0"]);
    // the filter's wildcard characters are literal
    expect((await driftMatrix(db.prisma, "all", { filter: "v_1" })).rows).toEqual([]);
    expect((await driftMatrix(db.prisma, "all", { show: "differs" })).rows.map((r) => r.tag)).toEqual(["1.1"]);
    // missing: not in every synced environment (qa never synced, so it lacks nothing yet)
    const missing = await driftMatrix(db.prisma, "all", { show: "missing", filter: "api" });
    expect(missing.rows.map((r) => r.tag)).toEqual(["2.0", "dev-only", "prod-only"]);
    const all = await driftMatrix(db.prisma, "all", { show: "all" });
    expect(all.matching).toBe(35);
  });

  it("each column says as of when, stale when the last sync failed, and never for an environment not indexed", async () => {
    const m = await driftMatrix(db.prisma, "all");
    expect(m.environments.map((e) => [e.name, e.asOf?.toISOString() ?? null, e.state])).toEqual([
      ["dev", SYNCED.toISOString(), "fresh"],
      ["test", SYNCED.toISOString(), "fresh"],
      ["prod", SYNCED.toISOString(), "stale"],
      ["qa", null, "never"],
    ]);
    expect(m.environments[2]!.stale).toEqual({ since: new Date("2026-11-30T09:00:00Z"), error: "registry down" });
  });

  it("a dev-only viewer sees no prod column and no prod row; dev and test only compare the two", async () => {
    const devOnly = await visibleEnvironments(db.prisma, [{ role: "viewer", environment: "dev" }]);
    const alone = await driftMatrix(db.prisma, devOnly, { show: "all" });
    expect(alone.environments.map((e) => e.name)).toEqual(["dev"]);
    expect(alone.rows.some((r) => r.cells.prod || r.tag === "prod-only")).toBe(false);
    expect(alone.shared).toBe(0);
    const devTest = await visibleEnvironments(db.prisma, [{ role: "viewer", environment: "dev" }, { role: "viewer", environment: "test" }]);
    const pair = await driftMatrix(db.prisma, devTest);
    expect(pair.environments.map((e) => e.name)).toEqual(["dev", "test"]);
    // 1.1 differs only against prod: without prod it is consistent
    expect([pair.shared, pair.mismatches]).toEqual([3, 0]);
    expect(pair.rows.flatMap((r) => Object.keys(r.cells)).every((e) => e === "dev" || e === "test")).toBe(true);
    const none = await driftMatrix(db.prisma, await visibleEnvironments(db.prisma, []));
    expect([none.environments, none.rows, none.shared]).toEqual([[], [], 0]);
  });
});

// The relative name is stored (migration 20261130080000): it must follow the namespace when an
// environment is configured after its tags were indexed, or its namespace changes.
describe.each(dbKinds)("drift matrix follows namespace changes on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("re-reads each tag's relative name when an environment appears or its namespace changes", async () => {
    const reg = await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
    const observe = (environment: string, repository: string, tags: [string, string][]) =>
      applyObservation(db.prisma, { environment, repository, tags: new Map(tags), coverage: "complete" }, { source: "full_sync" });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    await db.prisma.environment.create({ data: { name: "prod", order: 2, registryId: reg.id, namespace: "" } });
    await observe("dev", "dev/api", [["1.0", A]]);
    await observe("prod", "api", [["1.0", A]]);
    await observe("prod", "team/api", [["1.0", B]]);
    // tags indexed before their environment is configured
    await observe("qa", "qa/api", [["1.0", A]]);
    const cells = async () => (await driftMatrix(db.prisma, "all", { show: "all" })).rows.find((r) => r.repository === "api" && r.tag === "1.0")?.cells;
    expect(await cells()).toEqual({ dev: { digest: A, repository: "dev/api" }, prod: { digest: A, repository: "api" } });

    await db.prisma.environment.create({ data: { name: "qa", order: 3, registryId: reg.id, namespace: "qa/" } });
    expect((await cells())?.qa).toEqual({ digest: A, repository: "qa/api" });

    // prod moves to the team namespace: team/api is its "api" now, and the root's api lies outside
    await db.prisma.environment.update({ where: { name: "prod" }, data: { namespace: "team" } });
    expect((await cells())?.prod).toEqual({ digest: B, repository: "team/api" });
    const m = await driftMatrix(db.prisma, "all");
    expect([m.shared, m.mismatches]).toEqual([1, 1]);
  });

  // The sync's insert supplies the relative name (migration 20261130103000); the trigger computes it
  // for any writer that does not, and on every change of a row's repository, so both ways agree.
  it("stores the same relative name whether the writer supplies it or the trigger computes it", async () => {
    const relative = async (environment: string, repository: string) =>
      (await db.prisma.$queryRawUnsafe<{ relative: string | null }[]>(`SELECT "relative" FROM "InventoryTag" WHERE "environment" = $1 AND "repository" = $2`, environment, repository)).map((r) => r.relative);
    await applyObservation(db.prisma, { environment: "dev", repository: "dev/team/web", tags: new Map([["2.0", A]]), coverage: "complete" }, { source: "full_sync" });
    await applyObservation(db.prisma, { environment: "dev", repository: "elsewhere/web", tags: new Map([["2.0", A]]), coverage: "complete" }, { source: "full_sync" });
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "InventoryTag" ("environment", "repository", "tag", "digest", "since", "seenAt") VALUES ('dev', 'dev/raw', '1', $1, now(), now()), ('dev', 'other/raw', '1', $1, now(), now())`,
      A,
    );
    expect([await relative("dev", "dev/team/web"), await relative("dev", "elsewhere/web")]).toEqual([["team/web"], [null]]);
    expect([await relative("dev", "dev/raw"), await relative("dev", "other/raw")]).toEqual([["raw"], [null]]);
    // the sync's own value, with the trigger out of the way
    await db.prisma.$executeRawUnsafe(`ALTER TABLE "InventoryTag" DISABLE TRIGGER "InventoryTag_relative_insert"`);
    await applyObservation(db.prisma, { environment: "dev", repository: "dev/supplied", tags: new Map([["1", A]]), coverage: "complete" }, { source: "full_sync" });
    await db.prisma.$executeRawUnsafe(`ALTER TABLE "InventoryTag" ENABLE TRIGGER "InventoryTag_relative_insert"`);
    expect(await relative("dev", "dev/supplied")).toEqual(["supplied"]);
    // a writer cannot keep a stale name by renaming the row
    await db.prisma.$executeRawUnsafe(`UPDATE "InventoryTag" SET "repository" = 'dev/renamed' WHERE "environment" = 'dev' AND "repository" = 'dev/raw'`);
    expect(await relative("dev", "dev/renamed")).toEqual(["renamed"]);
  });
});

// The kept summary (InventoryDriftKey, migration 20261130099000) must always equal grouping the tags
// afresh, whatever the writes: creations, moves, deletions, namespace changes, and two environments
// written at once (each writer's snapshot lacks the other's rows; the fold must not).
describe.each(dbKinds)("the drift summary equals the tags grouped afresh on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  const kept = async () => {
    await db.prisma.$queryRawUnsafe(`SELECT "inventory_drift_fold"()`);
    return db.prisma.$queryRawUnsafe<unknown[]>(`SELECT "relative", "tag", "holders", "differs", "environments" FROM "InventoryDriftKey" ORDER BY 1, 2`);
  };
  const afresh = () =>
    db.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT "relative", "tag", count(*)::int AS "holders", min("digest" COLLATE "C") <> max("digest" COLLATE "C") AS "differs", array_agg("environment" ORDER BY "environment") AS "environments"
       FROM "InventoryTag" WHERE "relative" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    );

  it("after every kind of write, and after concurrent writers of one key", async () => {
    const reg = await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
    for (const [i, [name, namespace]] of [["dev", "dev"], ["test", "test"], ["prod", ""]].entries()) {
      await db.prisma.environment.create({ data: { name: name!, order: i + 1, registryId: reg.id, namespace: namespace! } });
    }
    const observe = (environment: string, repository: string, tags: [string, string][], coverage: "complete" | "partial" = "complete", deleted?: string[]) =>
      applyObservation(db.prisma, { environment, repository, tags: new Map(tags), coverage, ...(deleted ? { deleted } : {}) }, { source: "full_sync" });
    await observe("dev", "dev/api", [["1", A], ["2", B], ["3", C]]);
    await observe("prod", "api", [["1", A], ["2", C]]);
    expect(await kept()).toEqual(await afresh());
    expect((await driftMatrix(db.prisma, "all")).mismatches).toBe(1);

    await observe("prod", "api", [["1", A], ["2", B]]); // moved: no mismatch left
    await observe("dev", "dev/api", [], "partial", ["3"]); // deleted
    await observe("test", "test/api", [["1", C], ["9", A]]);
    // only "seenAt" changes: nothing recorded to fold
    await observe("dev", "dev/api", [["1", A], ["2", B]]);
    expect(await kept()).toEqual(await afresh());
    expect(await db.prisma.$queryRawUnsafe(`SELECT "inventory_drift_fold"() AS n`)).toEqual([{ n: 0 }]);
    await db.prisma.environment.update({ where: { name: "test" }, data: { namespace: "elsewhere" } });
    expect(await kept()).toEqual(await afresh());
    const m = await driftMatrix(db.prisma, "all", { show: "all" });
    expect(m.rows.map((r) => `${r.repository}:${r.tag}=${Object.keys(r.cells).join("+")}`)).toEqual(["api:1=dev+prod", "api:2=dev+prod"]);

    // two environments write one key at once, neither seeing the other's uncommitted row
    await Promise.all([observe("dev", "dev/api", [["1", A], ["2", B], ["new", A]]), observe("prod", "api", [["1", A], ["2", B], ["new", C]])]);
    expect(await kept()).toEqual(await afresh());
    expect((await driftMatrix(db.prisma, "all", { show: "differs" })).rows.map((r) => r.tag)).toEqual(["new"]);
  });
});
