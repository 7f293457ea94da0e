/**
 * Scoped roles: a viewer whose only grant is for dev never receives a prod row from the index, through
 * the same access function the API routes use.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { digestLocations, environmentRepositories, tagHistory } from "@/lib/inventory/index/reads";
import { applyObservation } from "@/lib/inventory/index/snapshot";
import { openTestDatabase, type TestDatabase } from "../support/db";

const D = "sha256:" + "1".repeat(64);

describe("index reads respect per-environment roles", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const reg = await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
    for (const [name, order] of [["dev", 1], ["prod", 3]] as const) {
      await db.prisma.environment.create({ data: { name, order, registryId: reg.id, namespace: name } });
      await applyObservation(db.prisma, { environment: name, repository: `${name}/api`, tags: new Map([["1.0", D]]), coverage: "complete" }, { source: "full_sync" });
    }
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("a dev-only viewer sees dev and not prod; a global viewer sees both", async () => {
    const devOnly = await visibleEnvironments(db.prisma, [{ role: "viewer", environment: "dev" }]);
    expect(devOnly).toEqual(["dev"]);
    expect((await digestLocations(db.prisma, devOnly, D)).map((l) => l.environment)).toEqual(["dev"]);
    expect(await tagHistory(db.prisma, devOnly, { environment: "prod", repository: "prod/api", tag: "1.0" })).toEqual([]);
    const global = await visibleEnvironments(db.prisma, [{ role: "viewer", environment: null }]);
    expect((await digestLocations(db.prisma, global, D)).map((l) => l.environment).sort()).toEqual(["dev", "prod"]);
  });

  it("environment columns: repositories with tag counts for a visible environment, nothing for another", async () => {
    const devOnly = await visibleEnvironments(db.prisma, [{ role: "viewer", environment: "dev" }]);
    await applyObservation(db.prisma, { environment: "dev", repository: "dev/web", tags: new Map([["1", D], ["2", D]]), coverage: "complete" }, { source: "full_sync" });
    const dev = await environmentRepositories(db.prisma, devOnly, { environment: "dev", limit: 1 });
    // the total counts every repository, the list stops at the limit
    expect(dev.total).toBe(2);
    expect(dev.repositories.map((r) => [r.name, r.tagCount, r.lastChange instanceof Date])).toEqual([["dev/api", 1, true]]);
    expect((await environmentRepositories(db.prisma, devOnly, { environment: "dev", limit: 5 })).repositories.map((r) => [r.name, r.tagCount])).toEqual([
      ["dev/api", 1],
      ["dev/web", 2],
    ]);
    expect(await environmentRepositories(db.prisma, devOnly, { environment: "prod", limit: 5 })).toEqual({ total: 0, repositories: [] });
  });

  it("no grant at all sees nothing", async () => {
    expect(await digestLocations(db.prisma, await visibleEnvironments(db.prisma, []), D)).toEqual([]);
  });
});
