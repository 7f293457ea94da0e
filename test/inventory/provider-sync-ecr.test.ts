/**
 * The inventory sync of an ECR environment through the ECR simulator (test/sim/ecr, every API answer
 * checked against ECR's Smithy model): tags, digests and image manifests from DescribeImages with
 * imagePushedAt, so neither sync reads a single-platform manifest from the registry, and the change
 * cursor follows imagePushedAt. ECR cannot list by push time, so every read is whole: a deleted image
 * is seen exactly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createEcrProvider, type EcrProvider } from "@/lib/registry/ecr/provider";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { startEcrSim, type EcrSim } from "../sim/ecr/server";
import { openTestDatabase, type TestDatabase } from "../support/db";

const TOKEN = "ecr-registry-token-inventory";
const KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const REGION = "eu-west-1";

describe("inventory sync of an ECR environment", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let sim: EcrSim;
  let pusher: OciProvider;
  let ecr: EcrProvider;
  const digests: Record<string, string> = {};
  const target = () => ({ environment: "staging", namespace: "staging", provider: ecr });
  const rows = async () => (await db.prisma.inventoryTag.findMany({ orderBy: [{ repository: "asc" }, { tag: "asc" }] })).map((r) => `${r.repository}:${r.tag}=${r.digest.slice(7, 15)}`);
  const short = (d: string) => d.slice(7, 15);
  const operations = (from: number) => sim.exchanges.slice(from).map((x) => x.tag);

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    registry = await startRegistry({ auth: "htpasswd", users: [{ username: "AWS", password: TOKEN }], deleteEnabled: true });
    sim = await startEcrSim({ registryUrl: registry.url, registryPassword: TOKEN, ...KEYS, region: REGION });
    pusher = createOciProvider({ name: "push", url: registry.url, auth: { kind: "basic", username: "AWS", password: TOKEN } });
    digests.v1 = await pushImage(pusher, "staging/app", buildImage({ layerCount: 1, created: "2026-01-01T00:00:00Z" }), "1.0");
    digests.worker = await pushImage(pusher, "staging/worker", buildImage({ layerCount: 1, created: "2026-01-05T00:00:00Z" }), "v1");
    ecr = createEcrProvider({ name: "ecr", url: registry.url, auth: { kind: "anonymous" }, aws: { region: REGION, ...KEYS, endpoint: sim.url } }, { maxAttempts: 3, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  }, 180_000);
  afterEach(() => {
    expect(sim.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await ecr?.close();
    await pusher?.close();
    await sim?.stop();
    await registry?.stop();
    await db?.dispose();
  });

  it("a full sync indexes tags and image manifests from DescribeImages, without reading a manifest", async () => {
    const before = sim.exchanges.length;
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report).toMatchObject({ ran: true, repositories: 2, tags: 2, headRequests: 0, manifestsFetched: 0, errors: [], changes: { created: 2 } });
    expect(await rows()).toEqual([`staging/app:1.0=${short(digests.v1!)}`, `staging/worker:v1=${short(digests.worker!)}`]);
    expect(operations(before).filter((op) => op === "DescribeImages")).toHaveLength(2);
    expect((await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: digests.v1! } })).mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "staging" } })).changeCursor?.toISOString()).toBe("2026-01-05T00:00:00.000Z");
  });

  it("an incremental sync sees a pushed image (imagePushedAt moves the cursor), a re-tag and a deleted image", async () => {
    digests.v2 = await pushImage(pusher, "staging/app", buildImage({ layerCount: 1, created: "2026-02-01T00:00:00Z" }), "2.0");
    await pushImage(pusher, "staging/worker", buildImage({ layerCount: 1, created: "2026-02-02T00:00:00Z" }), "v1"); // v1 moved
    await pusher.deleteManifest("staging/app", digests.v1!);
    const report = await syncEnvironment(db.prisma, target(), { mode: "incremental" });
    expect(report).toMatchObject({ errors: [], headRequests: 0, manifestsFetched: 0, changes: { created: 1, moved: 1, deleted: 1 } });
    expect((await rows())[0]).toBe(`staging/app:2.0=${short(digests.v2!)}`);
    expect(await db.prisma.inventoryTagEvent.findFirstOrThrow({ where: { repository: "staging/app", tag: "1.0", kind: "deleted" } })).toMatchObject({ source: "incremental_sync", previousDigest: digests.v1 });
    expect((await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "staging" } })).changeCursor?.toISOString()).toBe("2026-02-02T00:00:00.000Z");

    // nothing changed since: no write at all
    const events = await db.prisma.inventoryTagEvent.count();
    expect(await syncEnvironment(db.prisma, target(), { mode: "incremental" })).toMatchObject({ errors: [], changes: { created: 0, moved: 0, deleted: 0 } });
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
  }, 120_000);

  it("keeps lastRecordedPullTime as the tag's last pull, even from an incremental sync (ECR lists every image), and a moved tag loses it", async () => {
    const tagRow = (repository: string, tag: string) => db.prisma.inventoryTag.findUniqueOrThrow({ where: { environment_repository_tag: { environment: "staging", repository, tag } } });
    const pulled = new Date(Math.floor(Date.now() / 1000) * 1000 - 86_400_000).toISOString();
    await sim.setImage("staging/app", "2.0", { lastPulledAt: pulled });
    await sim.setImage("staging/worker", "v1", { lastPulledAt: "2099-01-01T00:00:00Z" }); // from the future: dropped
    const events = await db.prisma.inventoryTagEvent.count();
    expect(await syncEnvironment(db.prisma, target(), { mode: "incremental" })).toMatchObject({ errors: [], changes: { created: 0, moved: 0, deleted: 0 } });
    expect((await tagRow("staging/app", "2.0")).pulledAt?.toISOString()).toBe(pulled);
    expect((await tagRow("staging/worker", "v1")).pulledAt).toBeNull();
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);

    // 2.0 moves to an image never pulled
    digests.v2b = await pushImage(pusher, "staging/app", buildImage({ layerCount: 1, created: "2026-03-01T00:00:00Z" }), "2.0");
    expect(await syncEnvironment(db.prisma, target(), { mode: "incremental" })).toMatchObject({ errors: [], changes: { moved: 1 } });
    expect(await tagRow("staging/app", "2.0")).toMatchObject({ digest: digests.v2b, pulledAt: null });
  }, 120_000);
});
