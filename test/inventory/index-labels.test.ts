/**
 * Labels of multi-platform images (index-children.ts), against a real docker-registry on PGlite and
 * PostgreSQL: an index takes created and labels of its linux/amd64 child (never the attestation child,
 * whatever the order), fetched once and read through the once-per-config path; label search finds the
 * tag on the index; a second sync fetches nothing; the per-sync cap leaves the rest for later syncs; a
 * child that is an index is not followed; a missing child settles the index without labels, any other
 * error leaves it for the next sync.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHILD_GETS_PER_SYNC, childGetBudget, HUB_CHILD_GETS_PER_SYNC, representativeChild } from "@/lib/inventory/index/index-children";
import { searchIndex } from "@/lib/inventory/index/search";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import type { RegistryProvider } from "@/lib/registry";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage, buildIndex, type BuiltImage, type BuiltManifest } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { createEnvironments, stopAll } from "../harness/teardown";

const AMD = { os: "linux", architecture: "amd64" };
const ARM = { os: "linux", architecture: "arm64", variant: "v8" };
const UNKNOWN = { os: "unknown", architecture: "unknown" };

/** an index entry for any manifest (an index as a "platform": what a hostile registry may list) */
const asChild = (manifest: BuiltManifest, platform: BuiltImage["platform"]): BuiltImage => ({ ...buildImage({ layerCount: 0 }), manifest, platform });

describe("representativeChild", () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  it("prefers linux/amd64, then linux/arm64, then the first real platform; never unknown/unknown", () => {
    expect(representativeChild([{ ...UNKNOWN, digest: d("a") }, { ...ARM, digest: d("b") }, { ...AMD, digest: d("c") }])?.digest).toBe(d("c"));
    expect(representativeChild([{ ...UNKNOWN, digest: d("a") }, { os: "linux", architecture: "s390x", digest: d("e") }, { ...ARM, digest: d("b") }])?.digest).toBe(d("b"));
    expect(representativeChild([{ ...UNKNOWN, digest: d("a") }, { os: "windows", architecture: "amd64", digest: d("f") }])?.digest).toBe(d("f"));
    expect(representativeChild([{ ...UNKNOWN, digest: d("a") }])).toBeNull();
  });
  it("ignores malformed entries", () => {
    expect(representativeChild("nope")).toBeNull();
    expect(representativeChild([{ ...AMD, digest: "sha256:../../x" }, { ...AMD, digest: 7 }, null, { ...ARM, digest: d("b") }])?.digest).toBe(d("b"));
  });
});

describe("childGetBudget", () => {
  const counting = (rateLimit: () => Promise<unknown>) => ({ kind: "dockerhub", rateLimit }) as unknown as RegistryProvider;
  const checkedAt = new Date().toISOString();
  it("spends the full cap on a registry that counts no pulls", async () => {
    expect(await childGetBudget({ kind: "oci" } as RegistryProvider)).toBe(CHILD_GETS_PER_SYNC);
  });
  it("on a registry that counts pulls: the Hub cap, and never below half of the allowance", async () => {
    expect(await childGetBudget(counting(async () => null))).toBe(HUB_CHILD_GETS_PER_SYNC);
    expect(await childGetBudget(counting(async () => ({ limit: 100, remaining: 95, checkedAt })))).toBe(HUB_CHILD_GETS_PER_SYNC);
    expect(await childGetBudget(counting(async () => ({ limit: 100, remaining: 53, checkedAt })))).toBe(3);
    expect(await childGetBudget(counting(async () => ({ limit: 100, remaining: 40, checkedAt })))).toBe(0);
    expect(await childGetBudget(counting(async () => Promise.reject(new Error("unreachable"))))).toBe(0);
  });
});

describe.each(dbKinds)("index labels on %s", (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let seeder: OciProvider;
  let provider: OciProvider;

  const amd = buildImage({ platform: AMD, layerSize: 32, created: "2025-06-01T02:03:04Z", labels: { team: "multi-amd-team", arch: "amd64" } });
  const arm = buildImage({ platform: ARM, layerSize: 32, created: "2025-06-02T00:00:00Z", labels: { team: "multi-arm-team", arch: "arm64" } });
  // BuildKit's provenance: an image manifest with platform unknown/unknown, listed first here
  const attestation = buildImage({ platform: UNKNOWN, layerSize: 16, labels: { team: "attestation-team" } });
  const multi = buildIndex([attestation, arm, amd]);
  // a later index reusing the amd64 child once it is enriched: nothing fetched, nothing read
  const arm2 = buildImage({ platform: ARM, layerSize: 32, labels: { team: "other" } });
  const reuse = buildIndex([arm2, amd]);
  // hostile: its "linux/amd64" is an (untagged) index, whose own children must not be followed
  const innerAmd = buildImage({ platform: AMD, layerSize: 16, labels: { team: "inner-team" } });
  const inner = buildIndex([innerAmd]);
  const hostile = buildIndex([asChild(inner, AMD)]);
  // a child that answers 404, and one that answers 500
  const goneChild = buildImage({ platform: AMD, layerSize: 16, labels: { team: "gone-team" } });
  const gone = buildIndex([goneChild]);
  const flakyChild = buildImage({ platform: AMD, layerSize: 16, labels: { team: "flaky-team" } });
  const flaky = buildIndex([flakyChild]);
  // for the cap: more indexes than a (Docker Hub) sync fetches children for
  const many = Array.from({ length: HUB_CHILD_GETS_PER_SYNC + 2 }, (_, i) => buildImage({ platform: AMD, layers: [], diffIds: [], labels: { n: `capped-${i}` } }));

  const target = (p: RegistryProvider = provider, environment = "dev") => ({ environment, namespace: environment, provider: p });
  const manifestGets = (digest?: string) => proxy.requestsTo(/\/manifests\//, "GET").filter((r) => !digest || r.path.endsWith(digest));
  let firstReport: Awaited<ReturnType<typeof syncEnvironment>>;
  const row = (digest: string) => db.prisma.inventoryManifest.findUnique({ where: { digest } });

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry({ deleteEnabled: true });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    await pushIndex(seeder, "dev/multi", multi, [attestation, arm, amd], "2.0");
    await pushImage(seeder, "dev/hostile", innerAmd);
    await seeder.putManifest("dev/hostile", inner.digest, inner.bytes, inner.mediaType);
    await seeder.putManifest("dev/hostile", "evil", hostile.bytes, hostile.mediaType);
    await pushIndex(seeder, "dev/odd", gone, [goneChild], "gone");
    await pushIndex(seeder, "dev/odd", flaky, [flakyChild], "flaky");
    for (const [i, img] of many.entries()) await pushIndex(seeder, "cap/many", buildIndex([img]), [img], `t${i}`);
    proxy = await startFaultProxy(registry.url);
    provider = createOciProvider({ name: "dev-registry", url: proxy.url, auth: { kind: "anonymous" } });
    await createEnvironments(db.prisma, registry.url, ["dev", "cap"]);
  });
  afterAll(() => stopAll(provider, seeder, proxy, registry, db));

  it("a full sync gives the index the linux/amd64 child's created and labels, fetching that child once", async () => {
    proxy.reset();
    proxy.addRule({ method: "GET", path: new RegExp(`/manifests/${goneChild.manifest.digest}$`), action: { kind: "status", status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone"}]}' } });
    proxy.addRule({ method: "GET", path: new RegExp(`/manifests/${flakyChild.manifest.digest}$`), action: { kind: "status", status: 500 } });
    const report = (firstReport = await syncEnvironment(db.prisma, target(), { mode: "full" }));
    expect(report.errors).toEqual([]);
    const index = await row(multi.digest);
    expect(index?.created?.toISOString()).toBe("2025-06-01T02:03:04.000Z");
    expect(index?.labels).toEqual({ team: "multi-amd-team", arch: "amd64" });
    expect(index?.enrichedAt).toBeInstanceOf(Date);
    expect(await db.prisma.inventoryLabel.findMany({ where: { digest: multi.digest }, select: { key: true, value: true }, orderBy: { key: "asc" } })).toEqual([
      { key: "arch", value: "amd64" },
      { key: "team", value: "multi-amd-team" },
    ]);
    // the child is indexed (with its config) and enriched too; neither other platform was asked
    expect(await row(amd.manifest.digest)).toMatchObject({ configDigest: amd.config.digest, labels: { team: "multi-amd-team", arch: "amd64" } });
    expect(manifestGets(amd.manifest.digest)).toHaveLength(1);
    expect(manifestGets(arm.manifest.digest)).toEqual([]);
    expect(manifestGets(attestation.manifest.digest)).toEqual([]);
    expect(proxy.requestsTo(new RegExp(`/blobs/${amd.config.digest}$`), "GET")).toHaveLength(1);
    expect(proxy.requestsTo(new RegExp(`/blobs/(${arm.config.digest}|${attestation.config.digest})$`), "GET")).toEqual([]);
  });

  it("label search finds the tag pointing at the index", async () => {
    const found = await searchIndex(db.prisma, "all", "multi-amd");
    expect(found.labels.map((l) => [l.repository, l.tag, l.digest, l.label])).toEqual([["dev/multi", "2.0", multi.digest, "team=multi-amd-team"]]);
    expect((await searchIndex(db.prisma, "all", "attestation-team")).labels).toEqual([]);
  });

  it("a child that is itself an index is not followed, and its index gets no labels", async () => {
    expect(await row(hostile.digest)).toMatchObject({ labels: {}, created: null });
    expect((await row(hostile.digest))?.enrichedAt).toBeInstanceOf(Date);
    // fetched once (the index did not know what it was), neither indexed nor descended into
    expect(manifestGets(inner.digest)).toHaveLength(1);
    expect(await row(inner.digest)).toBeNull();
    expect(manifestGets(innerAmd.manifest.digest)).toEqual([]);
    expect((await searchIndex(db.prisma, "all", "inner-team")).labels).toEqual([]);
  });

  it("a missing child settles its index without labels; another error is reported and left for the next sync", async () => {
    expect(await row(gone.digest)).toMatchObject({ labels: {}, created: null });
    expect((await row(gone.digest))?.enrichedAt).toBeInstanceOf(Date);
    expect(await row(flaky.digest)).toMatchObject({ enrichedAt: null });
    expect(firstReport.content?.errors).toHaveLength(1);
    expect(firstReport.content?.errors[0]).toContain(flakyChild.manifest.digest);
  });

  it("the next sync fetches only the child that failed; the one after fetches nothing", async () => {
    proxy.reset();
    const second = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(second.content).toMatchObject({ indexChildrenFetched: 1, configsRead: 1, errors: [] });
    expect(manifestGets().map((r) => r.path.split("/").pop())).toEqual([flakyChild.manifest.digest]);
    expect(await row(flaky.digest)).toMatchObject({ labels: { team: "flaky-team" } });
    proxy.reset();
    const third = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(third.content).toMatchObject({ indexChildrenFetched: 0, configsRead: 0, errors: [] });
    expect(manifestGets()).toEqual([]);
    expect(proxy.requestsTo(/\/blobs\//)).toEqual([]);
  });

  it("an index whose representative child is already enriched copies its labels: no manifest or config read", async () => {
    await pushIndex(seeder, "dev/multi", reuse, [arm2, amd], "3.0");
    proxy.reset();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.content).toMatchObject({ indexChildrenFetched: 0, configsRead: 0, errors: [] });
    expect(await row(reuse.digest)).toMatchObject({ labels: { team: "multi-amd-team", arch: "amd64" } });
    expect((await row(reuse.digest))?.created?.toISOString()).toBe("2025-06-01T02:03:04.000Z");
    expect(manifestGets(amd.manifest.digest)).toEqual([]);
    expect(proxy.requestsTo(/\/blobs\//)).toEqual([]);
    expect((await searchIndex(db.prisma, "all", "multi-amd")).labels.map((l) => l.tag).sort()).toEqual(["2.0", "3.0"]);
  });

  it("at most the per-sync cap of children are fetched; the rest wait, unenriched, for the next sync", async () => {
    expect(HUB_CHILD_GETS_PER_SYNC).toBeLessThan(CHILD_GETS_PER_SYNC);
    // the cap of a registry that counts pulls (Docker Hub), through a provider that reports an unlimited account
    const hub = { ...provider, rateLimit: async () => null } as RegistryProvider;
    const pending = () => db.prisma.inventoryManifest.count({ where: { enrichedAt: null, mediaType: multi.mediaType } });
    proxy.reset();
    const first = await syncEnvironment(db.prisma, target(hub, "cap"), { mode: "full" });
    expect(first.content?.indexChildrenFetched).toBe(HUB_CHILD_GETS_PER_SYNC);
    expect(await pending()).toBe(2);
    const second = await syncEnvironment(db.prisma, target(hub, "cap"), { mode: "full" });
    expect(second.content?.indexChildrenFetched).toBe(2);
    expect(await pending()).toBe(0);
    const third = await syncEnvironment(db.prisma, target(hub, "cap"), { mode: "full" });
    expect(third.content?.indexChildrenFetched).toBe(0);
    const labels = await db.prisma.inventoryLabel.findMany({ where: { key: "n" }, select: { value: true } });
    expect(labels.map((l) => l.value).sort()).toEqual(many.map((_, i) => `capped-${i}`).sort().flatMap((v) => [v, v]));
  });
});
