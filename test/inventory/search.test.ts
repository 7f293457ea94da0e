/**
 * Search over the index: grouped by kind, bounded, scoped to the caller's environments, with the
 * query's wildcard characters taken literally and digests found by prefix with or without `sha256:`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { searchIndex } from "@/lib/inventory/index/search";
import { applyObservation, pruneRepositoryNames } from "@/lib/inventory/index/snapshot";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const DEV = "sha256:ab12" + "0".repeat(60);
const PROD = "sha256:ab13" + "1".repeat(60);
const OTHER = "sha256:" + "c".repeat(64);

// both kinds: the trigram indexes of the migration must build on PostgreSQL and on PGlite alike
describe.each(dbKinds)("searchIndex on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const reg = await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: reg.id, namespace: "prod" } });
    const observe = (environment: string, repository: string, tags: [string, string][]) =>
      applyObservation(db.prisma, { environment, repository, tags: new Map(tags), coverage: "complete" }, { source: "full_sync" });
    await observe("dev", "team/api", [["latest", DEV], ["1.0", DEV]]);
    await observe("prod", "team/api", [["latest", PROD]]);
    await observe("dev", "team/web_ui", [["v1", OTHER]]);
    await observe("dev", "team/webXui", [["v1", OTHER]]);
    await observe("dev", "team/100%", [["v1", OTHER]]);
    await observe("dev", "team/1000", [["v1", OTHER]]);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("finds repositories case-insensitively, grouped by kind, with a link per result", async () => {
    const r = await searchIndex(db.prisma, "all", "TEAM/API");
    expect(r.repositories).toEqual([
      { kind: "repository", environment: "dev", repository: "team/api", url: "/inventory/repository?environment=dev&repository=team%2Fapi" },
      { kind: "repository", environment: "prod", repository: "team/api", url: "/inventory/repository?environment=prod&repository=team%2Fapi" },
    ]);
    expect(r.digests).toEqual([]);
  });

  it("finds repository:tag with the tag as a prefix", async () => {
    const r = await searchIndex(db.prisma, "all", "api:lat");
    expect(r.tags.map((t) => [t.kind, t.environment, t.tag])).toEqual([
      ["tag", "dev", "latest"],
      ["tag", "prod", "latest"],
    ]);
    expect(r.tags[0]).toMatchObject({ repository: "team/api", digest: DEV, url: "/inventory/tag?environment=dev&repository=team%2Fapi&tag=latest" });
  });

  it("a dev-only viewer never sees prod results", async () => {
    const devOnly = await visibleEnvironments(db.prisma, [{ role: "viewer", environment: "dev" }]);
    const r = await searchIndex(db.prisma, devOnly, "api");
    expect(r.repositories.map((x) => x.environment)).toEqual(["dev"]);
    expect((await searchIndex(db.prisma, devOnly, "ab1")).digests).toEqual([]);
    expect((await searchIndex(db.prisma, devOnly, "sha256:ab1")).digests).toEqual([]);
    expect((await searchIndex(db.prisma, devOnly, "ab13")).digests).toEqual([]);
    expect((await searchIndex(db.prisma, devOnly, "ab12")).digests.map((d) => d.digest)).toEqual([DEV]);
    expect(await searchIndex(db.prisma, [], "api")).toEqual({ repositories: [], tags: [], digests: [], cves: [], labels: [] });
  });

  it("finds digests by prefix with and without sha256:, at least 4 hex digits", async () => {
    const url = `/inventory/digest/${encodeURIComponent(DEV)}`;
    expect((await searchIndex(db.prisma, "all", "ab12")).digests).toEqual([{ kind: "digest", digest: DEV, url }]);
    expect((await searchIndex(db.prisma, "all", "sha256:AB12")).digests).toEqual([{ kind: "digest", digest: DEV, url }]);
    expect((await searchIndex(db.prisma, "all", "ab1")).digests).toEqual([]);
    expect((await searchIndex(db.prisma, "all", "12" + "0".repeat(10))).digests).toEqual([]);
    expect((await searchIndex(db.prisma, "all", "sha256:ab1")).digests.map((d) => d.digest)).toEqual([]);
    expect((await searchIndex(db.prisma, "all", "ab1")).digests.length).toBe(0);
  });

  it("takes % and _ in the query literally", async () => {
    expect((await searchIndex(db.prisma, "all", "web_ui")).repositories.map((x) => x.repository)).toEqual(["team/web_ui"]);
    expect((await searchIndex(db.prisma, "all", "100%")).repositories.map((x) => x.repository)).toEqual(["team/100%"]);
    // a query under 3 characters is a prefix: a literal "%" starts no name (unescaped it would match all)
    expect((await searchIndex(db.prisma, "all", "%")).repositories.map((x) => x.repository)).toEqual([]);
    expect((await searchIndex(db.prisma, "all", "TE")).repositories.map((x) => x.repository)).toContain("team/100%");
  });

  it("bounds each kind by the limit", async () => {
    const r = await searchIndex(db.prisma, "all", "team", 2);
    expect(r.repositories).toHaveLength(2);
    expect((await searchIndex(db.prisma, "all", "v1", 3)).tags).toHaveLength(3);
  });

  it("keeps each repository name once for search, removes it when its last tag goes, and brings it back with a new tag", async () => {
    const names = async () => (await db.prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT "name" FROM "InventoryRepositoryName" WHERE "name" LIKE 'team/gone%' ORDER BY "name"`)).map((r) => r.name);
    const observe = (environment: string, tags: [string, string][]) =>
      applyObservation(db.prisma, { environment, repository: "team/gone", tags: new Map(tags), coverage: "complete" }, { source: "full_sync" });
    await observe("dev", [["v1", OTHER], ["v2", OTHER]]);
    await observe("prod", [["v1", OTHER]]);
    expect(await names()).toEqual(["team/gone"]);
    await observe("dev", []);
    // prod still holds a tag: the name stays, and search finds only prod
    expect(await pruneRepositoryNames(db.prisma)).toBe(0);
    expect((await searchIndex(db.prisma, "all", "gone")).repositories.map((x) => x.environment)).toEqual(["prod"]);
    await observe("prod", []);
    // before the prune the stale name finds nothing: search joins the tags
    expect((await searchIndex(db.prisma, "all", "gone")).repositories).toEqual([]);
    expect(await pruneRepositoryNames(db.prisma)).toBe(1);
    expect(await names()).toEqual([]);
    await observe("dev", [["v3", OTHER]]);
    expect(await names()).toEqual(["team/gone"]);
    expect((await searchIndex(db.prisma, "all", "gon")).repositories.map((x) => [x.environment, x.repository])).toEqual([["dev", "team/gone"]]);
    expect((await searchIndex(db.prisma, "all", "gone:v")).tags.map((x) => x.tag)).toEqual(["v3"]);
  });
});
