/**
 * The periodic sync decides full or incremental per environment, reads every registry kind (Docker Hub
 * here, through its API), and one failing registry does not stop the others.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FULL_SYNC_EVERY_MS, syncDueEnvironments } from "@/lib/inventory/index/schedule";
import { createOciProvider } from "@/lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";

describe("periodic inventory sync", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    registry = await startRegistry();
    const seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    await pushImage(seeder, "dev/api", buildImage({ layerSize: 64 }), "1.0");
    await seeder.close();
    const oci = await db.prisma.registry.create({ data: { name: "local", kind: "oci", url: registry.url } });
    const dead = await db.prisma.registry.create({ data: { name: "dead", kind: "oci", url: "http://127.0.0.1:9" } });
    const hub = await db.prisma.registry.create({ data: { name: "hub", kind: "dockerhub", url: "http://127.0.0.1:9" } });
    await db.prisma.environment.create({ data: { name: "broken", order: 0, registryId: dead.id, namespace: "x" } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: oci.id, namespace: "dev" } });
    await db.prisma.environment.create({ data: { name: "hubenv", order: 2, registryId: hub.id, namespace: "acme" } });
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.dispose();
  });

  it("runs a full sync first, incremental ones after, a full one again when the last is old; a dead registry is recorded and the rest still run", async () => {
    const first = await syncDueEnvironments(db.prisma);
    expect(first.map((r) => r.environment)).toEqual(["broken", "dev", "hubenv"]);
    expect(first[0]!.error).toMatch(/127\.0\.0\.1:9/);
    // Docker Hub is on the timer too: its API (on a dead address here) was asked, and failed
    expect(first[2]!.error).toMatch(/127\.0\.0\.1:9/);
    expect(first[1]!.report).toMatchObject({ mode: "full", tags: 1 });
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "broken" } })).staleSince).toBeInstanceOf(Date);

    const second = await syncDueEnvironments(db.prisma);
    expect(second[1]!.report).toMatchObject({ mode: "incremental", headRequests: 0, manifestsFetched: 0 });

    const later = new Date(Date.now() + FULL_SYNC_EVERY_MS + 1000);
    expect((await syncDueEnvironments(db.prisma, later))[1]!.report).toMatchObject({ mode: "full" });
    expect(await db.prisma.inventoryTag.count({ where: { environment: "dev" } })).toBe(1);
  });
});
