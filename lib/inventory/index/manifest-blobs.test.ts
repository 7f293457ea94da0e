import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ManifestResult } from "@/lib/registry";
import { MAX_MANIFEST_BLOBS, manifestBlobs } from "./manifest-blobs";
import { manifestRow } from "./manifest-rows";

const dg = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const desc = (name: string, size: number) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: dg(name), size });

function image(layers: { digest: string; size: number }[], config = desc("config", 300)): ManifestResult {
  const json = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { ...config, mediaType: "application/vnd.oci.image.config.v1+json" }, layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...l })) };
  return { digest: dg(JSON.stringify(json)), mediaType: json.mediaType, size: 500, bytes: new Uint8Array(), json } as unknown as ManifestResult;
}

describe("manifestBlobs", () => {
  it("lists the manifest itself, its config and its layers, a repeated layer once; manifestRow carries it", () => {
    const m = image([desc("base", 1000), desc("app", 20), desc("base", 1000)]);
    const expected = [[m.digest, 500], [dg("config"), 300], [dg("base"), 1000], [dg("app"), 20]];
    expect(manifestBlobs(m)).toEqual(expected);
    expect(manifestRow(m).blobs).toEqual(expected);
    // the total size is unchanged: manifest + config + every listed layer
    expect(manifestRow(m).size).toBe(BigInt(500 + 300 + 2020));
  });

  it("an index lists only itself: its children are manifests of their own", () => {
    const json = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ ...desc("child", 700), mediaType: "application/vnd.oci.image.manifest.v1+json", platform: { os: "linux", architecture: "amd64" } }] };
    const m = { digest: dg("index"), mediaType: json.mediaType, size: 400, bytes: new Uint8Array(), json } as unknown as ManifestResult;
    expect(manifestBlobs(m)).toEqual([[dg("index"), 400]]);
  });

  it("refuses a hostile list whole (null) rather than storing part of it", () => {
    const many = Array.from({ length: MAX_MANIFEST_BLOBS }, (_, i) => desc(`l${i}`, 1));
    // the manifest itself + config + 998 layers is exactly the cap; one more is refused
    expect(manifestBlobs(image(many.slice(0, MAX_MANIFEST_BLOBS - 2)))).toHaveLength(MAX_MANIFEST_BLOBS);
    expect(manifestBlobs(image(many.slice(0, MAX_MANIFEST_BLOBS - 1)))).toBeNull();
    const one = desc("x", 1);
    expect(manifestBlobs(image(new Array(100_000).fill(one)))).toBeNull();
    for (const size of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, "12" as unknown as number]) {
      expect(manifestBlobs(image([desc("ok", 1), { digest: dg("bad"), size }])), String(size)).toBeNull();
    }
    expect(manifestBlobs(image([{ digest: "sha256:../../etc", size: 1 }]))).toBeNull();
    expect(manifestBlobs(image([desc("ok", 1)], { ...desc("config", 1), size: -5 }))).toBeNull();
    expect(manifestRow(image([{ digest: dg("bad"), size: -1 }])).blobs).toBeNull();
  });
});
