/**
 * The sync's one INSERT for manifests (insertManifests) stores each manifest's blob list beside its
 * size, on PGlite and PostgreSQL: the manifest itself, its config and layers; an index only itself;
 * a hostile list (too long, a bad size) as NULL; a digest already indexed is left as it was.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertManifests, manifestRow } from "@/lib/inventory/index/manifest-rows";
import { MAX_MANIFEST_BLOBS } from "@/lib/inventory/index/manifest-blobs";
import type { ManifestResult } from "@/lib/registry";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const dg = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const layer = (name: string, size: number) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: dg(name), size });

function image(name: string, layers: { mediaType: string; digest: string; size: number }[]): ManifestResult {
  const json = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: dg(`${name}-config`), size: 300 }, layers };
  return { digest: dg(name), mediaType: json.mediaType, size: 500, bytes: new Uint8Array(), json } as unknown as ManifestResult;
}

describe.each(dbKinds)("manifest blob lists in the index on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db?.dispose());

  const stored = async (digest: string) => (await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest }, select: { blobs: true, size: true } }));

  it("stores [[digest, size], ...] per manifest in the same statement as the rest of the row", async () => {
    const a = image("a", [layer("base", 30_000_000), layer("a-app", 1000)]);
    const index = {
      digest: dg("idx"), mediaType: "application/vnd.oci.image.index.v1+json", size: 400, bytes: new Uint8Array(),
      json: { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: a.digest, size: 500, platform: { os: "linux", architecture: "amd64" } }] },
    } as unknown as ManifestResult;
    // a size past 2^31 survives as a number (jsonb numbers are numeric, not int4)
    const big = image("big", [layer("huge", 5_000_000_000)]);
    await insertManifests(db.prisma, [manifestRow(a), manifestRow(index), manifestRow(big)]);
    expect(await stored(a.digest)).toEqual({ size: BigInt(500 + 300 + 30_001_000), blobs: [[a.digest, 500], [dg("a-config"), 300], [dg("base"), 30_000_000], [dg("a-app"), 1000]] });
    expect((await stored(index.digest)).blobs).toEqual([[index.digest, 400]]);
    expect((await stored(big.digest)).blobs).toEqual([[big.digest, 500], [dg("big-config"), 300], [dg("huge"), 5_000_000_000]]);
  });

  it("stores a hostile list as NULL (the manifest itself is still indexed) and never rewrites an indexed digest", async () => {
    const tooMany = image("many", Array.from({ length: MAX_MANIFEST_BLOBS }, (_, i) => layer(`m${i}`, 1)));
    const negative = image("neg", [layer("n", -1)]);
    await insertManifests(db.prisma, [manifestRow(tooMany), manifestRow(negative)]);
    expect((await stored(tooMany.digest)).blobs).toBeNull();
    expect((await stored(negative.digest)).blobs).toBeNull();
    // the same digest again with another list: immutable by digest, the first write stays
    await insertManifests(db.prisma, [{ ...manifestRow(image("a", [])), digest: dg("a") }]);
    expect(((await stored(dg("a"))).blobs as unknown[]).length).toBe(4);
  });
});
