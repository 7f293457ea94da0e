/**
 * "Refresh" (one repository) and "Sync now" (one environment) as server actions, called in-process
 * with a faked session against a real docker-registry: refused for a caller without the permission
 * (audited as permission.denied, nothing read), done and audited for an allowed one, and "Sync now"
 * steps aside when another replica holds the environment's sync lease.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { acquireSyncLease } from "@/lib/inventory/index/lease";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.45" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

describe("refresh and sync-now server actions", () => {
  let dir: string;
  let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
  let registry: RunningRegistry;
  let seeder: OciProvider;
  let ids: { admin: string; devViewer: string; prodViewer: string };
  const v1 = buildImage({ layerSize: 64 });
  const v2 = buildImage({ layerSize: 64 });
  const as = (id: string) => (session.current = { user: { id, sessionVersion: 0 } });

  beforeAll(async () => {
    ({ dir, prisma } = await openEmbeddedRuntime("dm-refresh-"));
    registry = await startRegistry();
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    await pushImage(seeder, "dev/api", v1, "1.0");
    await pushImage(seeder, "dev/api", v1, "latest");
    const reg = await prisma.registry.create({ data: { name: "local", kind: "oci", url: registry.url } });
    const dev = await prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    const prod = await prisma.environment.create({ data: { name: "prod", order: 2, registryId: reg.id, namespace: "prod" } });
    const { createUser } = await import("@/lib/auth/users");
    const sys = { actor: null, ip: null };
    const user = (email: string, grants: { role: "admin" | "viewer"; environmentId: string | null }[]) => createUser(prisma, sys, { email, password: "a long password!", grants });
    ids = {
      admin: (await user("admin@x.io", [{ role: "admin", environmentId: null }])).id,
      devViewer: (await user("dev-viewer@x.io", [{ role: "viewer", environmentId: dev.id }])).id,
      prodViewer: (await user("prod-viewer@x.io", [{ role: "viewer", environmentId: prod.id }])).id,
    };
  });
  afterAll(async () => {
    await seeder?.close();
    await registry?.stop();
    await closeEmbeddedRuntime(dir);
  });

  it("refuses a refresh of dev to a viewer of prod only, audited, and reads nothing", async () => {
    const { refreshRepositoryAction } = await import("@/app/(app)/registries/actions");
    as(ids.prodViewer);
    const res = await refreshRepositoryAction(undefined, form({ environment: "dev", repository: "dev/api" }));
    expect(res).toEqual({ status: "error", message: 'You need the viewer role (or higher) in environment dev to see this environment.' });
    expect(await prisma.inventoryTag.count()).toBe(0);
    const denied = await prisma.auditEvent.findFirstOrThrow({ where: { action: "permission.denied" }, orderBy: { id: "desc" } });
    expect(denied).toMatchObject({ actorEmail: "prod-viewer@x.io", outcome: "denied", detail: { attempted: "environment.view" } });
    expect(await prisma.auditEvent.count({ where: { action: "inventory.refresh" } })).toBe(0);
  });

  it("lets a viewer of dev refresh a dev repository: the index holds its tags, the change is audited", async () => {
    const { refreshRepositoryAction } = await import("@/app/(app)/registries/actions");
    as(ids.devViewer);
    const res = await refreshRepositoryAction(undefined, form({ environment: "dev", repository: "dev/api" }));
    expect(res).toEqual({ status: "ok", message: "Refreshed dev/api in dev: 2 tags, 2 new, 0 moved, 0 deleted, 0 back." });
    expect((await prisma.inventoryTag.findMany({ orderBy: { tag: "asc" } })).map((t) => [t.tag, t.digest])).toEqual([
      ["1.0", v1.manifest.digest],
      ["latest", v1.manifest.digest],
    ]);
    expect(await prisma.inventoryTagEvent.count({ where: { source: "refresh" } })).toBe(2);
    const ev = await prisma.auditEvent.findFirstOrThrow({ where: { action: "inventory.refresh" }, orderBy: { id: "desc" } });
    expect(ev).toMatchObject({ actorEmail: "dev-viewer@x.io", outcome: "success", sourceIp: "192.0.2.45", targetType: "repository", targetId: "dev/dev/api", detail: { tags: 2, manifestsFetched: 2 } }); // one GET per tag new to the index, even when two share a digest

    await pushImage(seeder, "dev/api", v2, "latest");
    const again = await refreshRepositoryAction(undefined, form({ environment: "dev", repository: "dev/api" }));
    expect(again).toEqual({ status: "ok", message: "Refreshed dev/api in dev: 2 tags, 0 new, 1 moved, 0 deleted, 0 back." });
  });

  it("refuses a repository outside the environment's namespace", async () => {
    const { refreshRepositoryAction } = await import("@/app/(app)/registries/actions");
    as(ids.devViewer);
    const res = await refreshRepositoryAction(undefined, form({ environment: "dev", repository: "prod/api" }));
    expect(res).toMatchObject({ status: "error", message: expect.stringContaining("not in environment dev") });
  });

  it("Sync now: refused to a viewer, done for an admin, and steps aside while another replica syncs", async () => {
    const { syncEnvironmentAction } = await import("@/app/(app)/registries/actions");
    as(ids.devViewer);
    expect(await syncEnvironmentAction(undefined, form({ environment: "dev" }))).toEqual({ status: "error", message: "You need the admin role for all environments to manage environments." });

    as(ids.admin);
    const res = await syncEnvironmentAction(undefined, form({ environment: "dev" }));
    expect(res).toEqual({ status: "ok", message: "Synced dev: 1 repositories, 2 tags." });
    expect((await prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } })).lastFullAt).toBeInstanceOf(Date);
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { action: "inventory.sync" }, orderBy: { id: "desc" } })).toMatchObject({ actorEmail: "admin@x.io", outcome: "success", targetId: "dev" });

    expect(await acquireSyncLease(prisma, "dev", "other-replica")).not.toBeNull();
    const busy = await syncEnvironmentAction(undefined, form({ environment: "dev" }));
    expect(busy).toMatchObject({ status: "error", message: expect.stringContaining("another replica is syncing environment dev") });
  });

  it("the sync status panel shows each environment's state, with Sync now for an admin only", async () => {
    const { renderToStaticMarkup } = await import("react-dom/server");
    const { SyncStatusPanel } = await import("@/components/inventory/sync-status");
    const { syncEnvironmentAction } = await import("@/app/(app)/registries/actions");
    const admin = renderToStaticMarkup(await SyncStatusPanel({ grants: [{ role: "admin", environment: null }], syncAction: syncEnvironmentAction }));
    expect(admin).toMatch(/data-testid="sync-dev".*running on other-replica/);
    expect(admin).toMatch(/data-testid="sync-prod".*never synced/);
    expect(admin).toContain("Sync now");
    const viewer = renderToStaticMarkup(await SyncStatusPanel({ grants: [{ role: "viewer", environment: "prod" }] }));
    expect(viewer).not.toContain("sync-dev");
    expect(viewer).not.toContain("Sync now");
  });
});
