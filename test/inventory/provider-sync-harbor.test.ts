/**
 * The inventory sync of a Harbor environment through the Harbor simulator (test/sim/harbor, every API
 * response checked against Harbor's swagger): tags, digests and manifests from the artifacts API
 * sorted by push time, no manifest request to Harbor's /v2/. An incremental read stops at the first
 * page older than the change cursor, and still sees a deleted artifact (the tag list's count tells
 * it). A Harbor failing mid-sync leaves the index as it was and marks the environment stale.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createHarborProvider, type HarborProvider } from "@/lib/registry/harbor/provider";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { buildImage, buildIndex } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";
import { openTestDatabase, type TestDatabase } from "../support/db";

const users = [{ username: "admin", password: "Harbor12345" }];
const auth = { kind: "basic" as const, username: "admin", password: "Harbor12345" };
/** Harbor's pages hold up to 100 artifacts; smaller pages here keep the repository that needs two small */
const PAGE = 4;

describe("inventory sync of a Harbor environment", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let sim: HarborSim;
  let pusher: OciProvider;
  let harbor: HarborProvider;
  const target = () => ({ environment: "prod", namespace: "prod", provider: harbor });
  const rows = async () => (await db.prisma.inventoryTag.findMany({ where: { repository: { not: "prod/many" } }, orderBy: [{ repository: "asc" }, { tag: "asc" }] })).map((r) => `${r.repository}:${r.tag}=${r.digest.slice(7, 15)}`);
  const short = (d: string) => d.slice(7, 15);
  const manifestRequests = () => sim.forwarded.filter((r) => /\/manifests\//.test(r.path));
  const artifactPages = (from: number, repo: string) =>
    sim.exchanges
      .slice(from)
      .filter((x) => x.path.startsWith(`/api/v2.0/projects/prod/repositories/${repo}/artifacts?`))
      .map((x) => new URL(x.path, "http://x").searchParams.get("page"));
  const amd = buildImage({ layerCount: 1, platform: { os: "linux", architecture: "amd64" }, created: "2026-01-10T00:00:00Z" });
  const arm = buildImage({ layerCount: 1, platform: { os: "linux", architecture: "arm64" }, created: "2026-01-10T00:00:00Z" });
  const multi = buildIndex([amd, arm]);
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    registry = await startRegistry({ auth: "htpasswd", users, deleteEnabled: true });
    sim = await startHarborSim({ registryUrl: registry.url, users });
    pusher = createOciProvider({ name: "push", url: sim.url, auth });
    digests.v1 = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1, created: "2026-01-01T00:00:00Z" }), "1.0");
    digests.old = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1, created: "2025-12-01T00:00:00Z" }), "0.9");
    digests.multi = await pushIndex(pusher, "prod/web", multi, [amd, arm], "2.0");
    // more artifacts than one page (of PAGE artifacts here), even after one is deleted, so an incremental read has pages to skip
    for (let i = 0; i < PAGE + 2; i++) await pushImage(pusher, "prod/many", buildImage({ layerCount: 1, layerSize: 16, created: `2025-11-01T00:00:0${i}Z` }), `r${i}`);
    harbor = createHarborProvider({ name: "harbor", url: sim.url, auth }, { retry: { baseDelayMs: 5, maxDelayMs: 20 }, artifactPageSize: PAGE });
  }, 240_000);
  afterEach(() => {
    sim.clearFaults();
    expect(sim.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await harbor?.close();
    await pusher?.close();
    await sim?.stop();
    await registry?.stop();
    await db?.dispose();
  });

  it("a full sync indexes tags and manifests from the artifacts API, without a manifest request but the multi-arch image's linux/amd64 one, for labels", async () => {
    sim.forwarded.length = 0;
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report).toMatchObject({ ran: true, repositories: 3, tags: 9, headRequests: 0, manifestsFetched: 0, errors: [], changes: { created: 9 }, content: { indexChildrenFetched: 1 } });
    expect(manifestRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/prod/web/manifests/${amd.manifest.digest}`]);
    expect(await rows()).toEqual([`prod/api:0.9=${short(digests.old!)}`, `prod/api:1.0=${short(digests.v1!)}`, `prod/web:2.0=${short(digests.multi!)}`]);
    const index = await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: digests.multi! } });
    expect(index).toMatchObject({ mediaType: multi.mediaType, platforms: [{ os: "linux", architecture: "amd64", digest: amd.manifest.digest }, { os: "linux", architecture: "arm64", digest: arm.manifest.digest }] });
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "prod" } })).changeCursor?.toISOString()).toBe("2026-01-10T00:00:00.000Z");
  }, 120_000);

  it("keeps Harbor's push_time of each tag as its push time, not the time the index first saw it", async () => {
    const listing = await harbor.tagDigests("prod/api");
    const reported = listing.tags.find((t) => t.tag === "1.0")!.changedAt!;
    const row = await db.prisma.inventoryTag.findUniqueOrThrow({ where: { environment_repository_tag: { environment: "prod", repository: "prod/api", tag: "1.0" } } });
    expect(row.pushedAt?.toISOString()).toBe(new Date(reported).toISOString());
    expect(row.pushedAt?.getTime()).not.toBe(row.since.getTime());
  });

  it("an incremental sync picks up a pushed artifact and a deleted one, reading one page of a large repository", async () => {
    digests.v2 = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1, created: "2026-02-01T00:00:00Z" }), "2.0");
    await pusher.deleteManifest("prod/api", digests.old!);
    // pushed long before the cursor, in a repository read one page at a time: only the tag count shows it
    await pusher.deleteManifest("prod/many", (await harbor.headManifest("prod/many", "r1"))!.digest);
    sim.forwarded.length = 0;
    const before = sim.exchanges.length;
    const report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ errors: [], headRequests: 0, manifestsFetched: 0, changes: { created: 1, moved: 0, deleted: 2 } });
    expect(await rows()).toEqual([`prod/api:1.0=${short(digests.v1!)}`, `prod/api:2.0=${short(digests.v2!)}`, `prod/web:2.0=${short(digests.multi!)}`]);
    const deleted = await db.prisma.inventoryTagEvent.findFirstOrThrow({ where: { repository: "prod/api", tag: "0.9", kind: "deleted" } });
    expect(deleted).toMatchObject({ previousDigest: digests.old, source: "incremental_sync" });
    expect(manifestRequests()).toEqual([]);
    // prod/api fits one page, which is then the whole listing: the deletion is plain
    expect(artifactPages(before, "api")).toEqual(["1"]);
    expect(sim.exchanges.slice(before).filter((x) => x.path.includes("/repositories/api/artifacts?")).every((x) => x.path.includes(`page_size=${PAGE}`) && x.path.includes("sort=-push_time"))).toBe(true);
    // prod/many: its newest page reaches back past the cursor, but its tag list counts one tag fewer
    // than the index holds, so the whole listing is read once more
    expect(artifactPages(before, "many")).toEqual(["1", "1", "2"]);
    expect(await db.prisma.inventoryTag.count({ where: { repository: "prod/many" } })).toBe(PAGE + 1);
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "prod" } })).changeCursor?.toISOString()).toBe("2026-02-01T00:00:00.000Z");

    // nothing changed since: one page per repository, no write
    const mark = sim.exchanges.length;
    const events = await db.prisma.inventoryTagEvent.count();
    expect(await syncEnvironment(db.prisma, target(), { mode: "incremental" })).toMatchObject({ errors: [], changes: { created: 0, moved: 0, deleted: 0 } });
    expect(artifactPages(mark, "many")).toEqual(["1"]);
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
  }, 120_000);

  it("Harbor failing mid-sync leaves the index as it was and marks the environment stale with Harbor's error", async () => {
    const before = await rows();
    await pusher.deleteManifest("prod/web", digests.multi!);
    sim.fault({ path: /\/repositories\/web\/artifacts\?/, status: 500, times: 100 });
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.errors.map((e) => e.repository)).toEqual(["prod/web"]);
    expect(await rows()).toEqual(before); // prod/web:2.0 stays: its listing was never read
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "prod" } });
    expect(state.staleSince).toBeInstanceOf(Date);
    expect(state.error).toMatch(/prod\/web/);
    expect(state.changeCursor?.toISOString()).toBe("2026-02-01T00:00:00.000Z");

    sim.clearFaults();
    const healed = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(healed).toMatchObject({ errors: [], changes: { deleted: 1 } });
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "prod" } })).staleSince).toBeNull();
  }, 120_000);

  it("keeps Harbor's pull_time as the tag's last pull (a future one is dropped), writes only that, and a moved tag loses it", async () => {
    const tagRow = (tag: string) => db.prisma.inventoryTag.findUniqueOrThrow({ where: { environment_repository_tag: { environment: "prod", repository: "prod/api", tag } } });
    const soon = new Date(Date.now() - 3_600_000).toISOString();
    await sim.setArtifact("prod/api", "1.0", { pullTime: soon });
    await sim.setArtifact("prod/api", "2.0", { pullTime: "2099-01-01T00:00:00Z" }); // hostile: a pull from the future shields nothing
    const events = await db.prisma.inventoryTagEvent.count();
    const seen = (await tagRow("2.0")).seenAt;
    const started = Date.now();
    expect(await syncEnvironment(db.prisma, target(), { mode: "full" })).toMatchObject({ errors: [], changes: { created: 0, moved: 0, deleted: 0 } });
    expect((await tagRow("1.0")).pulledAt?.toISOString()).toBe(soon);
    expect((await tagRow("2.0")).pulledAt).toBeNull();
    // only the pulled tag was written: no tag event, and the unchanged tag was not even confirmed
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
    expect((await tagRow("2.0")).seenAt).toEqual(seen);
    // every pull time was read: a null now means "never pulled" to retention
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "prod" } })).pullTimesReadAt!.getTime()).toBeGreaterThanOrEqual(started - 1000);

    // 1.0 moves to a new artifact Harbor has never seen pulled: the old artifact's pull is not the new one's
    digests.v1b = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1, created: "2026-03-01T00:00:00Z" }), "1.0");
    expect(await syncEnvironment(db.prisma, target(), { mode: "incremental" })).toMatchObject({ errors: [], changes: { moved: 1 } });
    expect(await tagRow("1.0")).toMatchObject({ digest: digests.v1b, pulledAt: null });
  }, 120_000);
});
