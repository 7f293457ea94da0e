/**
 * Every RegistryProvider call against a real Distribution 2.8 registry. Run once per auth mode
 * (anonymous, htpasswd Basic, token) by the *.test.ts files next to this one.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError, RegistryError } from "../../lib/registry/errors";
import { MediaType } from "../../lib/registry/media-types";
import { isIndexJson, type RegistryProvider } from "../../lib/registry/provider";
import { referrersTagFor } from "../../lib/registry/reference";
import { buildImage, buildIndex, buildReferrer, randomLayer, sha256 } from "../harness/image-builder";
import { pushImage, pushIndex, pushReferrer, SBOM_ARTIFACT_TYPE, seedStandardImages, SIGNATURE_ARTIFACT_TYPE, type SeededStandardImages } from "../harness/seed";

export interface SuiteContext {
  provider: RegistryProvider;
  /** "none" | "basic" | "bearer", as ping should report */
  expectedAuthScheme: "none" | "basic" | "bearer";
  close(): Promise<void>;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

export function registryClientSuite(label: string, start: () => Promise<SuiteContext>): void {
  describe(label, () => {
    let ctx: SuiteContext;
    let p: RegistryProvider;
    let seeded: SeededStandardImages;

    beforeAll(async () => {
      ctx = await start();
      p = ctx.provider;
      seeded = await seedStandardImages(p);
    });
    afterAll(async () => {
      await ctx?.close();
    });

    it("pings the API root and reports the auth scheme", async () => {
      const result = await p.ping();
      expect(result.authScheme).toBe(ctx.expectedAuthScheme);
      expect(result.apiVersion).toBe("registry/2.0");
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it("lists the repositories", async () => {
      const page = await p.listRepositories();
      expect(page.items).toEqual(["seed/docker", "seed/multi", "seed/signed", "seed/single"]);
      expect(page.next).toBeUndefined();
    });

    it("lists tags, including the referrers fallback tag the seeder maintained", async () => {
      expect((await p.listTags("seed/single")).items).toEqual(["1.0.0"]);
      expect((await p.listTags("seed/signed")).items.sort()).toEqual(["1.0.0", seeded.signed.referrersTag].sort());
    });

    it("gets an OCI image manifest by tag and by digest, byte for byte", async () => {
      const { image } = seeded.single;
      for (const ref of ["1.0.0", seeded.single.digest]) {
        const m = await p.getManifest("seed/single", ref);
        expect(m.digest).toBe(image.manifest.digest);
        expect(m.mediaType).toBe(MediaType.OciManifest);
        expect(m.size).toBe(image.manifest.size);
        expect(Buffer.from(m.bytes).equals(Buffer.from(image.manifest.bytes))).toBe(true);
        expect(isIndexJson(m.json)).toBe(false);
        if (!isIndexJson(m.json)) expect(m.json.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
      }
    });

    it("gets an OCI index and a Docker schema2 manifest with their media types", async () => {
      const index = await p.getManifest("seed/multi", "2.0.0");
      expect(index.mediaType).toBe(MediaType.OciIndex);
      expect(index.digest).toBe(seeded.multiArch.digest);
      expect(isIndexJson(index.json) && index.json.manifests.map((d) => d.platform)).toEqual([
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
        { os: "linux", architecture: "arm", variant: "v7" },
      ]);
      const docker = await p.getManifest("seed/docker", "legacy");
      expect(docker.mediaType).toBe(MediaType.DockerManifest);
      expect(docker.digest).toBe(seeded.docker.digest);
    });

    it("pushes, gets and describes a Docker manifest list", async () => {
      const images = [
        buildImage({ format: "docker", platform: { os: "linux", architecture: "amd64" }, layerCount: 1, layerSize: 300 }),
        buildImage({ format: "docker", platform: { os: "linux", architecture: "arm64", variant: "v8" }, layerCount: 1, layerSize: 400 }),
      ];
      const list = buildIndex(images, { format: "docker" });
      const digest = await pushIndex(p, "writes/dockerlist", list, images, "multi");
      expect(digest).toBe(list.digest);
      const m = await p.getManifest("writes/dockerlist", "multi");
      expect(m.mediaType).toBe(MediaType.DockerManifestList);
      expect(Buffer.from(m.bytes).equals(Buffer.from(list.bytes))).toBe(true);
      const d = await p.describeArtifact("writes/dockerlist", digest);
      expect(d.platforms.map((x) => [x.os, x.architecture, x.variant, x.size])).toEqual([
        ["linux", "amd64", undefined, images[0]?.totalSize],
        ["linux", "arm64", "v8", images[1]?.totalSize],
      ]);
    });

    it("heads manifests: digest, media type and size when present, null when absent", async () => {
      expect(await p.headManifest("seed/multi", "2.0.0")).toEqual({
        digest: seeded.multiArch.digest,
        mediaType: MediaType.OciIndex,
        size: seeded.multiArch.index.size,
      });
      expect(await p.headManifest("seed/single", seeded.single.digest)).toMatchObject({ digest: seeded.single.digest });
      expect(await p.headManifest("seed/single", "no-such-tag")).toBeNull();
      expect(await p.headManifest("seed/single", `sha256:${"0".repeat(64)}`)).toBeNull();
    });

    it("reads and summarises the image config", async () => {
      const config = await p.getConfig("seed/single", seeded.single.image.config.digest);
      expect(config).toMatchObject({
        created: "2026-01-15T10:00:00Z",
        os: "linux",
        architecture: "amd64",
        env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_ENV=test"],
        entrypoint: ["/app/run"],
        cmd: ["--serve"],
        workingDir: "/app",
        labels: { "org.opencontainers.image.title": "single", team: "platform" },
      });
      expect(config.history).toHaveLength(3);
      expect(config.history[2]).toMatchObject({ emptyLayer: true, createdBy: 'ENTRYPOINT ["/app/run"]' });
      const dockerConfig = await p.getConfig("seed/docker", seeded.docker.image.config.digest);
      expect(dockerConfig.history.filter((h) => !h.emptyLayer)).toHaveLength(3);
    });

    it("heads blobs: size when present, null when absent", async () => {
      const layer = seeded.single.image.layers[0];
      if (!layer) throw new Error("seed has no layer");
      expect(await p.headBlob("seed/single", layer.digest)).toEqual({ digest: layer.digest, size: layer.size });
      expect(await p.headBlob("seed/single", `sha256:${"1".repeat(64)}`)).toBeNull();
    });

    it("streams a layer blob whose bytes match the digest", async () => {
      const layer = seeded.docker.image.layers[2];
      if (!layer) throw new Error("seed has no layer");
      const blob = await p.openBlob("seed/docker", layer.digest);
      expect(blob.size).toBe(layer.size);
      const bytes = await collect(blob.stream);
      expect(sha256(bytes)).toBe(layer.digest);
    });

    it("lists referrers through the tag-schema fallback, with an artifactType filter", async () => {
      const all = await p.listReferrers("seed/signed", seeded.signed.digest);
      expect(all.via).toBe("tag-schema");
      expect(all.referrers).toEqual(
        seeded.signed.referrers.map((r) => ({ digest: r.digest, mediaType: r.mediaType, size: r.size, artifactType: r.artifactType, annotations: r.annotations })),
      );
      const sboms = await p.listReferrers("seed/signed", seeded.signed.digest, { artifactType: SBOM_ARTIFACT_TYPE });
      expect(sboms.referrers.map((r) => r.artifactType)).toEqual([SBOM_ARTIFACT_TYPE]);
      expect((await p.listReferrers("seed/single", seeded.single.digest)).referrers).toEqual([]);
    });

    it("describes a single-platform image", async () => {
      const d = await p.describeArtifact("seed/single", "1.0.0");
      expect(d.digest).toBe(seeded.single.digest);
      expect(d.size).toBe(seeded.single.image.totalSize);
      expect(d.platforms).toEqual([{ os: "linux", architecture: "amd64", digest: seeded.single.digest, size: seeded.single.image.totalSize, created: "2026-01-15T10:00:00Z" }]);
      expect(d.labels).toEqual({ "org.opencontainers.image.title": "single", team: "platform" });
      expect(d.config?.entrypoint).toEqual(["/app/run"]);
      expect(d.artifactType).toBeUndefined();
    });

    it("describes a multi-arch index with per-platform sizes", async () => {
      const d = await p.describeArtifact("seed/multi", seeded.multiArch.digest);
      expect(d.mediaType).toBe(MediaType.OciIndex);
      expect(d.platforms.map(({ os, architecture, variant, digest, size }) => ({ os, architecture, variant, digest, size }))).toEqual(
        seeded.multiArch.platforms.map(({ os, architecture, variant, digest, size }) => ({ os, architecture, variant, digest, size })),
      );
      expect(d.size).toBe(seeded.multiArch.index.size + seeded.multiArch.platforms.reduce((s, x) => s + x.size, 0));
      expect(d.created).toBe("2026-01-17T10:00:00Z");
      expect(Object.keys(d.platformConfigs ?? {})).toHaveLength(3);
      expect(d.platformConfigs?.[seeded.multiArch.platforms[2]?.digest ?? ""]).toMatchObject({ architecture: "arm", variant: "v7" });
    });

    it("describes a Docker schema2 image and a referrer artifact", async () => {
      const docker = await p.describeArtifact("seed/docker", "legacy");
      expect(docker.size).toBe(seeded.docker.image.totalSize);
      expect(docker.platforms).toHaveLength(1);
      const sig = seeded.signed.referrers[0];
      if (!sig) throw new Error("no referrer seeded");
      const artifact = await p.describeArtifact("seed/signed", sig.digest);
      expect(artifact.artifactType).toBe(SIGNATURE_ARTIFACT_TYPE);
      expect(artifact.platforms).toEqual([]);
      expect(artifact.config).toBeUndefined();
      expect(artifact.created).toBe("2026-01-15T10:05:00Z");
    });

    it("uploads blobs in one PUT and in PATCH chunks", async () => {
      const small = randomLayer("oci", 3000).layer;
      const big = randomLayer("oci", 200_000).layer;
      expect(await p.uploadBlob("writes/blobs", small.bytes)).toEqual({ digest: small.digest, size: small.size });
      expect(await p.uploadBlob("writes/blobs", big.bytes, { chunkSize: 64 * 1024 })).toEqual({ digest: big.digest, size: big.size });
      expect(await p.headBlob("writes/blobs", big.digest)).toEqual({ digest: big.digest, size: big.size });
      expect(sha256(await collect((await p.openBlob("writes/blobs", big.digest)).stream))).toBe(big.digest);
    });

    it("streams an upload in chunks and abandons one whose content does not match its digest", async () => {
      const layer = randomLayer("oci", 150_000).layer;
      const pieces = [layer.bytes.subarray(0, 70_000), layer.bytes.subarray(70_000)];
      const ok = await p.uploadBlobStream("writes/stream", { stream: Readable.from(pieces), digest: layer.digest, size: layer.size }, { chunkSize: 50_000 });
      expect(ok).toEqual({ digest: layer.digest, size: layer.size });
      expect(await p.headBlob("writes/stream", layer.digest)).toEqual({ digest: layer.digest, size: layer.size });

      const claimed = randomLayer("oci", 10).layer.digest;
      const err = await caught(p.uploadBlobStream("writes/stream", { stream: Readable.from([Buffer.from("not what was promised")]), digest: claimed }));
      expect(err).toMatchObject({ kind: "digest_mismatch" });
      expect(await p.headBlob("writes/stream", claimed)).toBeNull();
    });

    it("mounts a blob from another repository, and reports when it cannot", async () => {
      const layer = seeded.single.image.layers[0];
      if (!layer) throw new Error("seed has no layer");
      expect(await p.headBlob("writes/mounted", layer.digest)).toBeNull();
      expect(await p.mountBlob("writes/mounted", layer.digest, "seed/single")).toBe(true);
      expect(await p.headBlob("writes/mounted", layer.digest)).toEqual({ digest: layer.digest, size: layer.size });
      expect(await p.mountBlob("writes/mounted", `sha256:${"2".repeat(64)}`, "seed/single")).toBe(false);
    });

    it("pushes a manifest with subject, keeps the fallback index current, and removes it on delete", async () => {
      const repo = "writes/referred";
      const image = buildImage({ layerCount: 1, layerSize: 100 });
      const subject = await pushImage(p, repo, image, "v1");
      const attestation = buildReferrer(image.manifest, {
        artifactType: "application/vnd.in-toto+json",
        payloadMediaType: "application/vnd.in-toto+json",
        payload: new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1"}'),
      });
      const pushed = await pushReferrer(p, repo, attestation);
      expect(pushed.referrersIndexUpdated).toBe(true);
      const again = await p.putManifest(repo, attestation.manifest.digest, attestation.manifest.bytes, MediaType.OciManifest);
      expect(again.referrersIndexUpdated).toBe(false);

      const fallback = await p.getManifest(repo, referrersTagFor(subject));
      expect(isIndexJson(fallback.json) && fallback.json.manifests).toEqual([
        { mediaType: MediaType.OciManifest, digest: pushed.digest, size: attestation.manifest.size, artifactType: "application/vnd.in-toto+json", annotations: attestation.annotations },
      ]);

      await p.deleteManifest(repo, pushed.digest);
      expect(await p.headManifest(repo, pushed.digest)).toBeNull();
      expect((await p.listReferrers(repo, subject)).referrers).toEqual([]);
    });

    it("reports a missing manifest as not_found with the registry's error code", async () => {
      const err = await caught(p.getManifest("seed/single", "missing"));
      expect(err).toBeInstanceOf(RegistryError);
      const e = err as RegistryError;
      expect(e.kind).toBe("not_found");
      expect(e.status).toBe(404);
      expect(e.codes).toEqual(["MANIFEST_UNKNOWN"]);
      expect(e.message).toContain(`registry ${p.host} has no manifest seed/single:missing (404 MANIFEST_UNKNOWN`);
      expect(e.message).toContain("for GET /v2/seed/single/manifests/missing");
      const repoErr = (await caught(p.listTags("seed/nothing-here"))) as RegistryError;
      expect(repoErr.kind).toBe("not_found");
      expect(repoErr.codes).toEqual(["NAME_UNKNOWN"]);
    });

    it("rejects malformed input before sending anything", async () => {
      await expect(p.getManifest("Seed/Single", "1.0.0")).rejects.toBeInstanceOf(InvalidInputError);
      await expect(p.getManifest("seed/single", "bad tag")).rejects.toBeInstanceOf(InvalidInputError);
      await expect(p.headBlob("seed/single", "sha256:abc")).rejects.toThrow(/64 hex/);
      await expect(p.putManifest("seed/single", "x", new TextEncoder().encode("{}"), MediaType.OciManifest)).rejects.toThrow(/manifest to push is invalid/);
    });
  });
}
