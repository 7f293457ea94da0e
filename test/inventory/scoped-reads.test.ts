/**
 * Scoped roles: a viewer whose only grant is for dev never receives a prod row from the index, through
 * the same access function the API routes use.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { digestLocations, tagHistory } from "@/lib/inventory/index/reads";
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

  it("no grant at all sees nothing", async () => {
    expect(await digestLocations(db.prisma, await visibleEnvironments(db.prisma, []), D)).toEqual([]);
  });
});
