/**
 * The inventory sync of a Docker Hub environment through the Hub simulator (test/sim/dockerhub, every
 * Hub API response checked against Hub's OpenAPI document): tags, digests and manifests come from the
 * Hub API's tag listing, so neither a full nor an incremental sync sends a manifest request to
 * registry-1 (Hub's pull limit counts manifest GETs), except one GET, once, of a new multi-arch
 * image's linux/amd64 manifest for its labels (index-children.ts), within a budget that never takes the
 * account below half of its pull allowance. The incremental sync reads tags by last_updated
 * from the change cursor on, and still sees a deleted tag (Hub's tag count tells it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createDockerHubProvider, type DockerHubProvider } from "@/lib/registry/dockerhub/provider";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { buildImage, buildIndex } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";
import { startHubSim, type HubSim } from "../sim/dockerhub/server";
import { openTestDatabase, type TestDatabase } from "../support/db";

const USER = { username: "acmebot", password: "dckr_pat_2b3e36beeb386dfdaacb9b46004ccb7c" };
const auth = { kind: "basic" as const, ...USER };

describe("inventory sync of a Docker Hub environment", () => {
  let db: TestDatabase;
  let tokens: RunningTokenServer;
  let registry: RunningRegistry;
  let sim: HubSim;
  let pusher: OciProvider;
  let hub: DockerHubProvider;
  const target = () => ({ environment: "hub", namespace: "acme", provider: hub });
  const registryManifestRequests = () => sim.forwarded.filter((r) => /\/manifests\//.test(r.path));
  const rows = async () => (await db.prisma.inventoryTag.findMany({ orderBy: [{ repository: "asc" }, { tag: "asc" }] })).map((r) => `${r.repository}:${r.tag}=${r.digest.slice(7, 15)}`);
  const short = (d: string) => d.slice(7, 15);
  const amd = buildImage({ layerCount: 1, platform: { os: "linux", architecture: "amd64" }, created: "2026-01-10T00:00:00Z" });
  const arm = buildImage({ layerCount: 1, platform: { os: "linux", architecture: "arm64", variant: "v8" }, created: "2026-01-10T00:00:00Z" });
  const multi = buildIndex([amd, arm]);
  const v1 = buildImage({ layerCount: 1, created: "2026-01-01T00:00:00Z" });
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    tokens = await startTokenServer({ users: [USER], anonymousPull: true });
    registry = await startRegistry({ auth: "token", token: tokens.config, deleteEnabled: true });
    sim = await startHubSim({ registryUrl: registry.url, users: [USER], tokenRealm: tokens.realm });
    pusher = createOciProvider({ name: "push", url: registry.url, auth, tokenRealms: [tokens.realm] });
    digests.v1 = await pushImage(pusher, "acme/api", v1, "1.0");
    await pushImage(pusher, "acme/api", v1, "latest");
    digests.multi = await pushIndex(pusher, "acme/web", multi, [amd, arm], "2.0");
    // more tags than one page of Hub's listing (100), so an incremental read has pages to skip
    const old = buildImage({ layerCount: 1, created: "2025-12-01T00:00:00Z" });
    for (let i = 0; i < 110; i++) await pushImage(pusher, "acme/many", old, `old-${String(i).padStart(3, "0")}`);
    digests.doomed = await pushImage(pusher, "acme/many", buildImage({ layerCount: 1, created: "2025-12-02T00:00:00Z" }), "doomed");
    hub = createDockerHubProvider({ name: "hub", url: sim.url, auth, namespaces: ["acme"], tokenRealms: [tokens.realm] }, { retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  }, 180_000);
  afterEach(() => {
    expect(sim.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await hub?.close();
    await pusher?.close();
    await sim?.stop();
    await registry?.stop();
    await tokens?.stop();
    await db?.dispose();
  });

  it("a full sync indexes every tag and manifest from the Hub API; registry-1 sees one pull, for the multi-arch image's labels", async () => {
    sim.forwarded.length = 0;
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report).toMatchObject({ ran: true, repositories: 3, tags: 114, headRequests: 0, manifestsFetched: 0, errors: [], changes: { created: 114 }, content: { indexChildrenFetched: 1, errors: [] } });
    // the pull limit asked by a HEAD (not a pull), then the index's linux/amd64 manifest (one pull) and its config (a blob: not a pull)
    expect(sim.forwarded.filter((r) => r.path !== "/v2/").map((r) => `${r.method} ${r.path}`)).toEqual([
      "HEAD /v2/ratelimitpreview/test/manifests/latest",
      `GET /v2/acme/web/manifests/${amd.manifest.digest}`,
      `GET /v2/acme/web/blobs/${amd.config.digest}`,
    ]);
    expect(await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: digests.multi! } })).toMatchObject({ labels: { "org.opencontainers.image.title": "dockmaster-test", "org.opencontainers.image.version": "1.0.0" } });
    expect((await rows()).filter((r) => !r.startsWith("acme/many:"))).toEqual([`acme/api:1.0=${short(digests.v1!)}`, `acme/api:latest=${short(digests.v1!)}`, `acme/web:2.0=${short(digests.multi!)}`]);
    const index = await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: digests.multi! } });
    expect(index.mediaType).toBe(multi.mediaType);
    expect(index.platforms).toEqual([
      { os: "linux", architecture: "amd64", digest: amd.manifest.digest },
      { os: "linux", architecture: "arm64", variant: "v8", digest: arm.manifest.digest },
    ]);
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "hub" } });
    expect(state.changeCursor?.toISOString()).toBe("2026-01-10T00:00:00.000Z");
  });

  it("an incremental sync reads the newest page of tags, stops at the cursor, and reads the rest only when Hub's tag count says one went away", async () => {
    const fresh = await pushImage(pusher, "acme/many", buildImage({ layerCount: 1, created: "2026-01-20T00:00:00Z" }), "fresh");
    sim.forwarded.length = 0;
    const before = sim.exchanges.length;
    const manyPages = () => sim.exchanges.slice(before).filter((x) => x.path.startsWith("/v2/namespaces/acme/repositories/many/tags?")).map((x) => new URL(x.path, "http://x").searchParams.get("page"));
    let report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ errors: [], manifestsFetched: 0, changes: { created: 1, moved: 0, deleted: 0 } });
    expect(manyPages()).toEqual(["1"]);
    expect(await rows()).toContain(`acme/many:fresh=${short(fresh)}`);

    await pusher.deleteManifest("acme/many", digests.doomed!); // older than the cursor: only the count shows it
    const mark = sim.exchanges.length;
    report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ errors: [], manifestsFetched: 0, changes: { created: 0, moved: 0, deleted: 1 } });
    expect(sim.exchanges.slice(mark).filter((x) => x.path.startsWith("/v2/namespaces/acme/repositories/many/tags?")).map((x) => new URL(x.path, "http://x").searchParams.get("page"))).toEqual(["1", "1", "2"]);
    expect(await rows()).not.toContain(`acme/many:doomed=${short(digests.doomed!)}`);
    expect(sim.forwarded).toEqual([]);
  });

  it("an incremental sync reads tags by last_updated from the cursor on: a new tag, a moved one and a deleted one, still with zero manifest requests", async () => {
    const v2 = buildImage({ layerCount: 1, created: "2026-02-01T00:00:00Z" });
    digests.v2 = await pushImage(pusher, "acme/api", v2, "2.0");
    await pushImage(pusher, "acme/api", v2, "latest"); // moved from v1 to v2
    await pusher.deleteManifest("acme/web", digests.multi!); // 2.0 gone
    sim.forwarded.length = 0;
    const before = sim.exchanges.length;
    const report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ errors: [], manifestsFetched: 0, headRequests: 0, changes: { created: 1, moved: 1, deleted: 1 } });
    expect(registryManifestRequests()).toEqual([]);
    expect(sim.forwarded).toEqual([]);
    expect((await rows()).filter((r) => !r.startsWith("acme/many:"))).toEqual([`acme/api:1.0=${short(digests.v1!)}`, `acme/api:2.0=${short(digests.v2!)}`, `acme/api:latest=${short(digests.v2!)}`]);
    const moved = await db.prisma.inventoryTagEvent.findFirstOrThrow({ where: { repository: "acme/api", tag: "latest", kind: "moved" } });
    expect(moved).toMatchObject({ digest: digests.v2, previousDigest: digests.v1, source: "incremental_sync" });
    // the Hub API was asked for tag listings only: no per-tag reads
    expect(sim.exchanges.slice(before).filter((x) => /\/tags\/[^/?]+$/.test(x.path.split("?")[0]!))).toEqual([]);
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "hub" } })).changeCursor?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("Hub answering 429 with Retry-After mid-sync: the sync waits as told, retries, and completes", async () => {
    const limited = sim.fault({ path: /\/repositories\/api\/tags\?/, status: 429, retryAfter: "2", times: 1 });
    const t0 = Date.now();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(limited.hits()).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(report).toMatchObject({ errors: [], manifestsFetched: 0 });
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "hub" } })).staleSince).toBeNull();
  });

  it("an incremental sync with nothing changed writes nothing and reads one page per repository", async () => {
    const events = await db.prisma.inventoryTagEvent.count();
    const before = sim.exchanges.length;
    const report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ errors: [], manifestsFetched: 0, changes: { created: 0, moved: 0, deleted: 0, reappeared: 0 } });
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
    const tagListings = sim.exchanges.slice(before).filter((x) => /\/tags\?/.test(x.path));
    expect(tagListings.map((x) => x.path.split("?")[0]).sort()).toEqual(["/v2/namespaces/acme/repositories/api/tags", "/v2/namespaces/acme/repositories/many/tags", "/v2/namespaces/acme/repositories/web/tags"]);
    expect(sim.forwarded).toEqual([]);
  });

  it("a full sync keeps Hub's tag_last_pulled as the tag's last pull (a future one is dropped), writing nothing else", async () => {
    const tagRow = (tag: string) => db.prisma.inventoryTag.findUniqueOrThrow({ where: { environment_repository_tag: { environment: "hub", repository: "acme/api", tag } } });
    const pulled = new Date(Date.now() - 5 * 86_400_000).toISOString();
    sim.setTag("acme/api", "latest", { lastPulled: pulled });
    sim.setTag("acme/api", "1.0", { lastPulled: "2099-01-01T00:00:00.000Z" });
    const events = await db.prisma.inventoryTagEvent.count();
    const seen = (await tagRow("2.0")).seenAt;
    expect(await syncEnvironment(db.prisma, target(), { mode: "full" })).toMatchObject({ errors: [], manifestsFetched: 0, changes: { created: 0, moved: 0, deleted: 0, reappeared: 0 } });
    expect((await tagRow("latest")).pulledAt?.toISOString()).toBe(pulled);
    expect((await tagRow("1.0")).pulledAt).toBeNull();
    expect((await tagRow("2.0")).pulledAt).toBeNull();
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
    expect((await tagRow("2.0")).seenAt).toEqual(seen);
    expect(sim.forwarded).toEqual([]);
  });
  it("a multi-arch image's labels wait while the account has no more than half of its pulls left", async () => {
    const amd3 = buildImage({ layerCount: 1, platform: { os: "linux", architecture: "amd64" }, created: "2026-03-01T00:00:00Z", labels: { team: "hub-three" } });
    const arm3 = buildImage({ layerCount: 1, platform: { os: "linux", architecture: "arm64", variant: "v8" }, created: "2026-03-01T00:00:00Z" });
    const three = await pushIndex(pusher, "acme/web", buildIndex([amd3, arm3]), [amd3, arm3], "3.0");
    const index = () => db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: three } });
    sim.setRateLimit(100, 50);
    sim.forwarded.length = 0;
    expect(await syncEnvironment(db.prisma, target(), { mode: "full" })).toMatchObject({ errors: [], content: { indexChildrenFetched: 0, errors: [] } });
    expect(registryManifestRequests().filter((r) => r.method === "GET")).toEqual([]);
    expect((await index()).enrichedAt).toBeNull();
    sim.setRateLimit(100, 90);
    sim.forwarded.length = 0;
    expect(await syncEnvironment(db.prisma, target(), { mode: "full" })).toMatchObject({ errors: [], content: { indexChildrenFetched: 1, errors: [] } });
    expect(registryManifestRequests().filter((r) => r.method === "GET").map((r) => r.path)).toEqual([`/v2/acme/web/manifests/${amd3.manifest.digest}`]);
    expect(await index()).toMatchObject({ labels: { team: "hub-three" } });
    sim.setRateLimit(200, 200);
  });
});
