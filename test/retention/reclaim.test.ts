/**
 * Reclaimed bytes with shared layers counted once, from the index as a sync writes it
 * (insertManifests), through the stored plan, on PGlite and PostgreSQL: two deleted manifests that
 * share a layer count it once (for the first item); a layer a kept manifest also uses is not freed;
 * deleting an index frees the children that go with it, not a child a kept index still names; a
 * manifest indexed before blob lists were kept counts at its full size, and the figure says it is
 * an upper bound.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertManifests, manifestRow } from "@/lib/inventory/index/manifest-rows";
import type { ManifestResult } from "@/lib/registry";
import { planCsv } from "@/lib/retention/plan-csv";
import { findPlan } from "@/lib/retention/plan-store";
import { computeAndStorePlan } from "@/lib/retention/service";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const DAY_MS = 86_400_000;
const dg = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const layer = (name: string, size: number) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: dg(name), size });

/** an image of 500 manifest bytes and a 300-byte config of its own, plus the given layers */
function image(name: string, layers: [string, number][]): ManifestResult {
  const json = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: dg(`${name}-config`), size: 300 }, layers: layers.map(([l, s]) => layer(l, s)) };
  return { digest: dg(name), mediaType: json.mediaType, size: 500, bytes: new Uint8Array(), json } as unknown as ManifestResult;
}
function index(name: string, children: ManifestResult[]): ManifestResult {
  const json = {
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: children.map((c, i) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: { os: "linux", architecture: `arch${i}` } })),
  };
  return { digest: dg(name), mediaType: json.mediaType, size: 400, bytes: new Uint8Array(), json } as unknown as ManifestResult;
}

describe.each(dbKinds)("reclaimed bytes of a retention plan on %s", (kind) => {
  let db: TestDatabase;
  const A = image("A", [["base", 1000], ["a1", 10], ["k", 7]]);
  const B = image("B", [["base", 1000], ["b1", 20]]);
  const C = image("C", [["k", 7], ["c1", 30]]);
  const i1 = image("i1", [["i1-layer", 100]]);
  const i2 = image("i2", [["i2-layer", 200]]);
  const I = index("I", [i1, i2]);
  const K = index("K", [i2]);
  const D = dg("legacy");
  const author = { id: null, email: "system:test" };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const reg = await db.prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://127.0.0.1:1" } });
    const retention = { rules: [{ repositories: "*", keepTags: "^live$", deleteOlderThanDays: 30 }] };
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev", retention } });
    await insertManifests(db.prisma, [A, B, C, i1, i2, I, K].map(manifestRow));
    // indexed before blob lists were kept: a size, no list
    await db.prisma.inventoryManifest.create({ data: { digest: D, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 4242n, platforms: [] } });
    const old = new Date(Date.now() - 60 * DAY_MS);
    const now = new Date();
    const tag = (repository: string, t: string, digest: string, since: Date) => ({ environment: "dev", repository, tag: t, digest, since, seenAt: now });
    await db.prisma.inventoryTag.createMany({
      data: [
        tag("dev/api", "old-1", A.digest, old), tag("dev/api", "old-2", B.digest, old), tag("dev/api", "old-3", D, old), tag("dev/api", "live", C.digest, now),
        tag("dev/multi", "old", I.digest, old), tag("dev/multi", "live", K.digest, now),
      ],
    });
  });
  afterAll(async () => db?.dispose());

  it("counts a shared layer once, frees nothing a kept manifest uses, and says a legacy manifest makes it an upper bound", async () => {
    const plan = await computeAndStorePlan(db.prisma, "dev", author);
    expect(plan.items.map((i) => [i.repository, i.tag, i.bytes, i.reclaimed, i.reclaimedUpperBound ?? false])).toEqual([
      // A: itself 500 + config 300 + base 1000 + a1 10; k (7) stays: live (C) uses it
      ["dev/api", "old-1", 1817, 1810, false],
      // B: base is already A's; itself + config + b1
      ["dev/api", "old-2", 1820, 820, false],
      // no blob list: its full size, flagged
      ["dev/api", "old-3", 4242, 4242, true],
      // the index itself (400) and i1 that goes with it (500 + 300 + 100); i2 stays: live (K) names it
      ["dev/multi", "old", 1400, 1300, false],
    ]);
    expect(plan.bytes).toBe(1817 + 1820 + 4242 + 1400);
    expect(plan.reclaim).toEqual({ bytes: 1810 + 820 + 4242 + 1300, upperBound: true, deletedWithoutBlobs: 1, keptWithoutBlobs: 0 });
    // stored as computed, and the CSV carries each item's share
    expect(await findPlan(db.prisma, plan.id)).toEqual(plan);
    const csv = planCsv(plan).split("\r\n");
    expect(csv[0]).toBe("action,repository,tag,digest,rule_or_reason,bytes,deletes_manifest,reclaimed_bytes,reclaimed_upper_bound");
    expect(csv[1]).toBe(`delete,dev/api,old-1,${A.digest},rules[0] (*),1817,true,1810,false`);
    expect(csv[3]).toBe(`delete,dev/api,old-3,${D},rules[0] (*),4242,true,4242,true`);
  });

  it("without legacy manifests the figure is exact; shares follow the plan's order", async () => {
    await db.prisma.inventoryTag.delete({ where: { environment_repository_tag: { environment: "dev", repository: "dev/api", tag: "old-3" } } });
    // B now also lives in another repository of the environment: it frees nothing, and base goes with A only
    await db.prisma.inventoryTag.create({ data: { environment: "dev", repository: "dev/web", tag: "live", digest: B.digest, since: new Date(), seenAt: new Date() } });
    const plan = await computeAndStorePlan(db.prisma, "dev", author);
    expect(plan.items.map((i) => [i.tag, i.reclaimed])).toEqual([["old-1", 500 + 300 + 10], ["old-2", 0], ["old", 1300]]);
    expect(plan.reclaim).toEqual({ bytes: 810 + 1300, upperBound: false, deletedWithoutBlobs: 0, keptWithoutBlobs: 0 });
  });

  it("a hostile digest in the index (spaces, a quote) shifts no share and breaks nothing", async () => {
    // planned first (dev/aaa sorts before dev/api): were its spaces to split the list sent to the
    // database, every later digest would take the wrong item's rank
    const old = new Date(Date.now() - 60 * DAY_MS);
    await db.prisma.inventoryTag.createMany({
      data: [
        { environment: "dev", repository: "dev/aaa", tag: "old", digest: `sha256:${"0".repeat(10)} 7 '); --`, since: old, seenAt: new Date() },
        { environment: "dev", repository: "dev/aaa", tag: "live", digest: C.digest, since: new Date(), seenAt: new Date() },
      ],
    });
    const plan = await computeAndStorePlan(db.prisma, "dev", author);
    expect(plan.items.map((i) => [i.repository, i.tag, i.reclaimed])).toEqual([["dev/aaa", "old", 0], ["dev/api", "old-1", 810], ["dev/api", "old-2", 0], ["dev/multi", "old", 1300]]);
    expect(plan.reclaim?.bytes).toBe(810 + 1300);
  });
});
