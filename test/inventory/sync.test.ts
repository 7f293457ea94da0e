/**
 * The inventory index against a real docker-registry, on PGlite and PostgreSQL: a full sync indexes
 * every tag and each distinct manifest once, later syncs record moves, deletions and re-appearances
 * as tag events, nothing changed means nothing fetched, and a registry failing mid-sync leaves the
 * rows it could not re-read untouched and marks the environment stale.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestLocations, tagHistory } from "@/lib/inventory/index/reads";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { acquireSyncLease } from "@/lib/inventory/index/lease";
import { applyObservation } from "@/lib/inventory/index/snapshot";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage, buildIndex } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { stopAll } from "../harness/teardown";

describe.each(dbKinds)("inventory index sync on %s", (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let seeder: OciProvider;
  let provider: OciProvider;
  const v1 = buildImage({ layerSize: 256 });
  const v2 = buildImage({ layerSize: 256 });
  const amd = buildImage({ layerSize: 128, platform: { os: "linux", architecture: "amd64" } });
  const arm = buildImage({ layerSize: 128, platform: { os: "linux", architecture: "arm64", variant: "v8" } });
  const multi = buildIndex([amd, arm]);
  const target = () => ({ environment: "dev", namespace: "dev", provider });
  const rows = async () => (await db.prisma.inventoryTag.findMany({ orderBy: [{ repository: "asc" }, { tag: "asc" }] })).map((r) => `${r.repository}:${r.tag}=${r.digest.slice(7, 15)}`);
  const short = (d: string) => d.slice(7, 15);

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry({ deleteEnabled: true });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    await pushImage(seeder, "dev/api", v1, "1.0");
    await pushImage(seeder, "dev/api", v1, "latest");
    await pushIndex(seeder, "dev/web", multi, [amd, arm], "2.0");
    await pushImage(seeder, "other/outside", v2, "x"); // outside the environment's namespace
    proxy = await startFaultProxy(registry.url);
    provider = createOciProvider({ name: "dev-registry", url: proxy.url, auth: { kind: "anonymous" } });
  });
  afterAll(() => stopAll(provider, seeder, proxy, registry, db));

  it("a full sync indexes every tag of the namespace, one GET per tag new to the index (digest and manifest at once)", async () => {
    proxy.reset();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report).toMatchObject({ ran: true, repositories: 2, tags: 3, headRequests: 0, manifestsFetched: 3, errors: [], changes: { created: 3, moved: 0, deleted: 0 } });
    expect(proxy.requestsTo(/\/manifests\//, "HEAD")).toHaveLength(0);
    // and the index's linux/amd64 manifest by digest, once, for its config's labels (enrich.ts)
    expect(proxy.requestsTo(/\/manifests\//, "GET").map((r) => r.path).sort()).toEqual(["/v2/dev/api/manifests/1.0", "/v2/dev/api/manifests/latest", "/v2/dev/web/manifests/2.0", `/v2/dev/web/manifests/${amd.manifest.digest}`]);
    expect(await rows()).toEqual([`dev/api:1.0=${short(v1.manifest.digest)}`, `dev/api:latest=${short(v1.manifest.digest)}`, `dev/web:2.0=${short(multi.digest)}`]);
    const index = await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: multi.digest } });
    expect(index.platforms).toEqual([
      { os: "linux", architecture: "amd64", digest: amd.manifest.digest },
      { os: "linux", architecture: "arm64", variant: "v8", digest: arm.manifest.digest },
    ]);
    expect(Number(index.size)).toBe(multi.bytes.length + amd.manifest.bytes.length + arm.manifest.bytes.length);
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    expect(state).toMatchObject({ repositories: 2, tags: 3, error: null, staleSince: null, leaseOwner: null });
    expect(state.lastFullAt).toBeInstanceOf(Date);
  });

  it("a second full sync with nothing changed HEADs each tag, writes no event and fetches no manifest", async () => {
    proxy.reset();
    const before = await db.prisma.inventoryTagEvent.count();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report).toMatchObject({ headRequests: 3, manifestsFetched: 0, changes: { created: 0, moved: 0, deleted: 0, reappeared: 0 } });
    expect(proxy.requestsTo(/\/manifests\//, "GET")).toHaveLength(0);
    expect(await db.prisma.inventoryTagEvent.count()).toBe(before);
  });

  it("an incremental sync reads only the new tag, with one GET", async () => {
    await pushImage(seeder, "dev/api", v2, "1.1");
    proxy.reset();
    const report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ headRequests: 0, manifestsFetched: 1, changes: { created: 1, moved: 0, deleted: 0 } });
    expect(proxy.requestsTo(/\/manifests\//).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v2/dev/api/manifests/1.1"]);
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    expect(state.lastIncrementalAt).toBeInstanceOf(Date);
  });

  it("a re-tag shows in the tag's history as a move with both digests", async () => {
    await pushImage(seeder, "dev/api", v2, "latest");
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.changes).toEqual({ created: 0, moved: 1, deleted: 0, reappeared: 0 });
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/api", tag: "latest" });
    expect(history.map((e) => [e.kind, e.previousDigest && short(e.previousDigest), e.digest && short(e.digest), e.source])).toEqual([
      ["moved", short(v1.manifest.digest), short(v2.manifest.digest), "full_sync"],
      ["created", null, short(v1.manifest.digest), "full_sync"],
    ]);
  });

  it("a deleted manifest's tags are recorded deleted; pushed again they re-appear", async () => {
    await seeder.deleteManifest("dev/web", multi.digest);
    expect((await syncEnvironment(db.prisma, target(), { mode: "full" })).changes).toMatchObject({ deleted: 1 });
    expect(await rows()).not.toContain(`dev/web:2.0=${short(multi.digest)}`);
    await pushIndex(seeder, "dev/web", multi, [amd, arm], "2.0");
    expect((await syncEnvironment(db.prisma, target(), { mode: "full" })).changes).toMatchObject({ created: 0, reappeared: 1 });
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/web", tag: "2.0" });
    expect(history.map((e) => e.kind)).toEqual(["reappeared", "deleted", "created"]);
  });

  it("digest locations give every span a digest held a tag, and hide environments the caller may not see", async () => {
    const spans = await digestLocations(db.prisma, "all", v1.manifest.digest);
    expect(spans.map((s) => `${s.repository}:${s.tag}:${s.until ? "closed" : "open"}`).sort()).toEqual(["dev/api:1.0:open", "dev/api:latest:closed"]);
    expect(await digestLocations(db.prisma, ["prod"], v1.manifest.digest)).toEqual([]);
    expect(await tagHistory(db.prisma, ["prod"], { environment: "dev", repository: "dev/api", tag: "latest" })).toEqual([]);
  });

  it("a registry failing for one repository leaves that repository's rows as they were and marks the environment stale", async () => {
    const before = await rows();
    await seeder.deleteManifest("dev/api", v1.manifest.digest); // would delete dev/api:1.0 if the repository were re-read
    proxy.reset();
    proxy.addRule({ method: "GET", path: "/v2/dev/api/tags/list", action: { kind: "status", status: 503 } });
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.repository).toBe("dev/api");
    expect(await rows()).toEqual(before);
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    expect(state.error).toMatch(/dev\/api/);
    expect(state.staleSince).toBeInstanceOf(Date);

    proxy.reset();
    await syncEnvironment(db.prisma, target(), { mode: "full" });
    const healed = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    expect(healed).toMatchObject({ error: null, staleSince: null });
    expect(await rows()).not.toContain(`dev/api:1.0=${short(v1.manifest.digest)}`);
  });

  it("a failing catalog changes nothing at all", async () => {
    const before = await rows();
    const events = await db.prisma.inventoryTagEvent.count();
    proxy.reset();
    proxy.addRule({ method: "GET", path: "/v2/_catalog", action: { kind: "status", status: 500 } });
    await expect(syncEnvironment(db.prisma, target(), { mode: "full" })).rejects.toThrow();
    expect(await rows()).toEqual(before);
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } })).staleSince).toBeInstanceOf(Date);
    proxy.reset();
  });

  it("an incremental sync leaves held tags it did not read alone: not confirmed, and not moved back over an event that landed meanwhile", async () => {
    const s1 = buildImage({ layerSize: 64, labels: { "org.example.rev": "s1" } });
    const s2 = buildImage({ layerSize: 64, labels: { "org.example.rev": "s2" } });
    const s3 = buildImage({ layerSize: 64, labels: { "org.example.rev": "s3" } });
    await pushImage(seeder, "dev/svc", s1, "a");
    await pushImage(seeder, "dev/svc", s1, "b");
    await syncEnvironment(db.prisma, target(), { mode: "full" });
    const seenB = (await db.prisma.inventoryTag.findFirstOrThrow({ where: { repository: "dev/svc", tag: "b" } })).seenAt;

    // the registry moves `a` and gains `c`; the event for `a` is applied while the sync waits for the tag list
    await pushImage(seeder, "dev/svc", s2, "a");
    await pushImage(seeder, "dev/svc", s3, "c");
    proxy.reset();
    proxy.addRule({ method: "GET", path: "/v2/dev/svc/tags/list", action: { kind: "delay", ms: 1500 } });
    const sync = syncEnvironment(db.prisma, target(), { mode: "incremental" });
    await new Promise((r) => setTimeout(r, 500));
    await applyObservation(db.prisma, { environment: "dev", repository: "dev/svc", tags: new Map([["a", s2.manifest.digest]]), coverage: "partial" }, { source: "event" });
    const report = await sync;

    expect(report).toMatchObject({ errors: [], manifestsFetched: 1, changes: { created: 1, moved: 0, deleted: 0 } });
    const svc = await db.prisma.inventoryTag.findMany({ where: { repository: "dev/svc" }, orderBy: { tag: "asc" } });
    expect(svc.map((t) => `${t.tag}=${short(t.digest)}`)).toEqual([`a=${short(s2.manifest.digest)}`, `b=${short(s1.manifest.digest)}`, `c=${short(s3.manifest.digest)}`]);
    expect(svc.find((t) => t.tag === "b")!.seenAt).toEqual(seenB); // listed, but its digest was not read
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/svc", tag: "a" });
    expect(history.map((e) => `${e.kind}:${e.source}`)).toEqual(["moved:event", "created:full_sync"]);
    // the new image's config was read once, while the tags were being listed, and its labels are indexed
    expect(proxy.requestsTo(/\/blobs\//, "GET").map((r) => r.path)).toEqual([`/v2/dev/svc/blobs/${s3.config.digest}`]);
    const c = await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: s3.manifest.digest } });
    expect(c.labels).toEqual({ "org.example.rev": "s3" });
    proxy.reset();
  });

  it("a catalog failing on a later page keeps what the earlier pages' repositories showed, and concludes no repository gone", async () => {
    // the index holds a repository the registry lacks: a complete catalog would conclude it deleted
    await applyObservation(db.prisma, { environment: "dev", repository: "dev/ghost", tags: new Map([["1", v1.manifest.digest]]), coverage: "complete" }, { source: "event" });
    const pushed = buildImage({ layerSize: 64 });
    await pushImage(seeder, "dev/svc", pushed, "d");
    proxy.reset();
    proxy.addRule({ method: "GET", path: /^\/v2\/_catalog\?.*last=zzz/, action: { kind: "status", status: 500 } });
    proxy.addRule({ method: "GET", path: "/v2/_catalog", action: { kind: "set-headers", headers: () => ({ link: '</v2/_catalog?last=zzz&n=1000>; rel="next"' }) } });
    await expect(syncEnvironment(db.prisma, target(), { mode: "incremental" })).rejects.toThrow(/500/);
    expect(proxy.requestsTo(/^\/v2\/_catalog\?.*last=zzz/).length).toBeGreaterThan(0); // the second page was asked (and retried)

    expect(await rows()).toContain(`dev/svc:d=${short(pushed.manifest.digest)}`); // first page: read and applied
    expect(await rows()).toContain(`dev/ghost:1=${short(v1.manifest.digest)}`); // not concluded gone
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    expect(state.staleSince).toBeInstanceOf(Date);
    expect(state.error).toMatch(/500/);

    proxy.reset();
    expect((await syncEnvironment(db.prisma, target(), { mode: "incremental" })).changes).toMatchObject({ deleted: 1 });
    expect(await rows()).not.toContain(`dev/ghost:1=${short(v1.manifest.digest)}`);
  });

  it("a catalog that pages past the sync's page limit fails it, saying nothing was taken as deleted", async () => {
    proxy.reset();
    proxy.addRule({ method: "GET", path: "/v2/_catalog", action: { kind: "set-headers", headers: () => ({ link: '</v2/_catalog?last=zzz&n=1000>; rel="next"' }) } });
    await expect(syncEnvironment(db.prisma, target(), { mode: "incremental", maxPages: 1 })).rejects.toThrow(/the sync stopped and took nothing as deleted$/);
    proxy.reset();
  });

  it("runs at most one sync per environment: a held lease makes another sync a no-op until it expires", async () => {
    const lease = await acquireSyncLease(db.prisma, "dev", "other-replica");
    expect(lease).not.toBeNull();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.ran).toBe(false);
    // The other replica died: once its lease expires, this one takes over.
    const later = () => new Date(Date.now() + 61_000);
    expect(await acquireSyncLease(db.prisma, "dev", "this-replica", "full", later)).not.toBeNull();
  });
});
