/**
 * The dry run against a real docker-registry with deletes enabled, behind a proxy that refuses and
 * records any DELETE: 50 tags of which 10 are selected → the plan lists exactly those 10, no DELETE
 * ever reached the registry, and the registry still holds all 50. A child of a kept index is never
 * selected; a digest running in prod is protected with that reason; viewers and developers cannot
 * compute plans (refused and audited), approvers of the environment can.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, type Principal } from "@/lib/auth/enforce";
import { syncConfig } from "@/lib/config/sync";
import { parseConfig } from "@/lib/config/load";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { createRetentionPlan, readRetentionPlan } from "@/lib/retention/service";
import { planHash } from "@/lib/retention/plan-store";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage, buildIndex, randomLayer } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { stopAll } from "../harness/teardown";

const DAY_MS = 86_400_000;

function principal(role: "viewer" | "developer" | "approver" | "admin", environment: string | null = null): Principal {
  return { id: `u-${role}`, email: `${role}@example.com`, name: role, grants: [{ role, environment }], ip: "127.0.0.1" };
}

describe.each(dbKinds)("retention dry run on %s", (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let seeder: OciProvider;
  let provider: OciProvider;
  // every build on one base layer (as images built FROM one base are) and a layer of its own
  const base = randomLayer("oci", 4096, "base.bin");
  const images = Array.from({ length: 50 }, (_, i) => {
    const own = randomLayer("oci", 32);
    return buildImage({ layers: [base.layer, own.layer], diffIds: [base.diffId, own.diffId], labels: { build: String(i) } });
  });
  const amd = buildImage({ layerSize: 32, platform: { os: "linux", architecture: "amd64" } });
  const arm = buildImage({ layerSize: 32, platform: { os: "linux", architecture: "arm64" } });
  const multi = buildIndex([amd, arm]);
  const tagOf = (i: number) => `build-${String(i).padStart(2, "0")}`;
  const deletes = () => proxy.log.filter((r) => r.method === "DELETE");

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry({ deleteEnabled: true });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    for (let i = 0; i < images.length; i++) await pushImage(seeder, "dev/api", images[i]!, tagOf(i));
    await pushIndex(seeder, "dev/web", multi, [amd, arm], "latest");
    await pushImage(seeder, "dev/web", amd, "amd64-old");
    // every DELETE is answered 599 by the proxy (never forwarded) and stays in its log for the assertions
    proxy = await startFaultProxy(registry.url);
    proxy.addRule({ method: "DELETE", action: { kind: "status", status: 599, body: "a dry run sent a DELETE" } });
    provider = createOciProvider({ name: "dev-registry", url: proxy.url, auth: { kind: "anonymous" } });
    const cfg = parseConfig(
      `
registries:
  - { name: local, kind: oci, url: "${proxy.url}" }
environments:
  - name: dev
    order: 1
    registry: local
    namespace: dev
    retention:
      rules:
        - { repositories: "api", keepTags: "^latest$", keepLast: 5, deleteOlderThanDays: 40 }
        - { repositories: "web", keepTags: "^latest$", deleteOlderThanDays: 40 }
  - { name: prod, order: 2, registry: local, namespace: prod, protected: true }
`,
      "dockmaster.yaml",
      {},
    );
    await syncConfig(db.prisma, cfg);
    await syncEnvironment(db.prisma, { environment: "dev", namespace: "dev", provider }, { mode: "full" });
    // push times as the index knows them: build-i was pushed i days ago, so 40..49 are older than 40 days
    const now = Date.now();
    for (let i = 0; i < images.length; i++) {
      await db.prisma.inventoryTag.update({ where: { environment_repository_tag: { environment: "dev", repository: "dev/api", tag: tagOf(i) } }, data: { since: new Date(now - i * DAY_MS - 60_000) } });
    }
    await db.prisma.inventoryTag.update({ where: { environment_repository_tag: { environment: "dev", repository: "dev/web", tag: "amd64-old" } }, data: { since: new Date(now - 90 * DAY_MS) } });
  }, 120_000);
  afterAll(() => stopAll(provider, seeder, proxy, registry, db));

  it("lists exactly the 10 selected tags, sends no DELETE, and the registry still has all 50", async () => {
    proxy.log.length = 0;
    const plan = await createRetentionPlan(db.prisma, principal("admin"), "dev");
    const selected = images.map((_, i) => i).filter((i) => i >= 40);
    expect(plan.items.map((i) => [i.repository, i.tag, i.digest, i.rule, i.deletesManifest])).toEqual(
      selected.map((i) => ["dev/api", tagOf(i), images[i]!.manifest.digest, "rules[0] (api)", true]),
    );
    expect(plan.items.every((i) => i.bytes > 0)).toBe(true);
    expect(plan.bytes).toBe(plan.items.reduce((s, i) => s + i.bytes, 0));
    // the sync stored each manifest's blob list: the base layer the kept builds still use is not freed,
    // everything else of the 10 is (each image's manifest, config and own layer), and the figure is exact
    expect(plan.reclaim).toEqual({ bytes: plan.bytes - 10 * base.layer.size, upperBound: false, deletedWithoutBlobs: 0, keptWithoutBlobs: 0 });
    expect(plan.items.every((i) => i.reclaimed === i.bytes - base.layer.size && i.reclaimedUpperBound === undefined)).toBe(true);
    expect(plan.hash).toBe(planHash("dev", plan.items, plan.protected));
    expect(plan.indexedAsOf).not.toBeNull();
    expect(deletes()).toEqual([]);
    // the planner never talks to the registry at all: it reads the index
    expect(proxy.log).toEqual([]);
    expect((await seeder.listTags("dev/api", { pageSize: 1000 })).items).toHaveLength(50);
    const stored = await readRetentionPlan(db.prisma, principal("admin"), plan.id);
    expect(stored).toEqual(plan);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "retention.planned", targetId: plan.id } });
    expect(audit.detail).toMatchObject({ environment: "dev", hash: plan.hash, items: 10 });
  });

  it("never selects a child of a kept index, and says why it was saved", async () => {
    const plan = await createRetentionPlan(db.prisma, principal("admin"), "dev");
    expect(plan.items.filter((i) => i.repository === "dev/web")).toEqual([]);
    expect(plan.protected).toContainEqual({ repository: "dev/web", tag: "amd64-old", digest: amd.manifest.digest, reason: `child of kept index ${multi.digest}` });
    expect(deletes()).toEqual([]);
  });

  it("protects a selected digest that runs in prod", async () => {
    await pushImage(seeder, "prod/api", images[45]!, "1.0");
    await syncEnvironment(db.prisma, { environment: "prod", namespace: "prod", provider }, { mode: "full" });
    const plan = await createRetentionPlan(db.prisma, principal("admin"), "dev");
    expect(plan.items.map((i) => i.tag)).not.toContain(tagOf(45));
    expect(plan.items).toHaveLength(9);
    expect(plan.protected).toContainEqual({ repository: "dev/api", tag: tagOf(45), digest: images[45]!.manifest.digest, reason: "running in prod" });
    expect(deletes()).toEqual([]);
    expect((await seeder.listTags("dev/api", { pageSize: 1000 })).items).toHaveLength(50);
  });

  it("viewers and developers cannot compute or read plans (refused and audited); approvers of dev can, not of prod", async () => {
    const plansBefore = await db.prisma.retentionPlan.count();
    for (const role of ["viewer", "developer"] as const) {
      await expect(createRetentionPlan(db.prisma, principal(role), "dev")).rejects.toThrow(AuthError);
      await expect(createRetentionPlan(db.prisma, principal(role), "dev")).rejects.toThrow(/in environment dev to compute retention plans\.$/);
    }
    await expect(createRetentionPlan(db.prisma, principal("approver", "prod"), "dev")).rejects.toThrow(AuthError);
    expect(await db.prisma.retentionPlan.count()).toBe(plansBefore);
    expect(await db.prisma.auditEvent.count({ where: { action: "permission.denied", outcome: "denied" } })).toBeGreaterThanOrEqual(5);
    const plan = await createRetentionPlan(db.prisma, principal("approver", "dev"), "dev");
    expect(plan.createdBy).toBe("approver@example.com");
    await expect(readRetentionPlan(db.prisma, principal("viewer"), plan.id)).rejects.toThrow(AuthError);
  });

  it("refuses a policy that would empty a repository, and an environment without retention", async () => {
    await db.prisma.environment.update({ where: { name: "dev" }, data: { retention: { rules: [{ repositories: "api", deleteOlderThanDays: 1 }] } } });
    await db.prisma.inventoryTag.updateMany({ where: { environment: "dev", repository: "dev/api" }, data: { since: new Date(Date.now() - 5 * DAY_MS) } });
    await expect(createRetentionPlan(db.prisma, principal("admin"), "dev")).rejects.toThrow(/rules\[0\] \(api\) would delete every tag of dev\/api \(50 tags\); add allowEmpty: true/);
    await expect(createRetentionPlan(db.prisma, principal("admin"), "prod")).rejects.toThrow(/environment "prod" has no retention policy/);
    expect(deletes()).toEqual([]);
  });
});
