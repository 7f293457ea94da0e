/**
 * Pushes test content through our own client: the standard set (single-platform OCI image, multi-arch
 * OCI index, Docker schema2 image, an image with two referrers) and a fast bulk seeder for benchmarks.
 * The referrers are pushed with `subject`; on a registry without the referrers API (Distribution 2.8)
 * the client maintains the `sha256-<hex>` fallback index itself, as the OCI spec requires of clients.
 */
import { mapConcurrent } from "../../lib/registry/concurrency";
import { MediaType } from "../../lib/registry/media-types";
import type { Platform, RegistryProvider } from "../../lib/registry/provider";
import { referrersTagFor } from "../../lib/registry/reference";
import {
  buildImage,
  buildIndex,
  buildReferrer,
  randomLayer,
  type BuiltBlob,
  type BuiltImage,
  type BuiltManifest,
  type BuiltReferrer,
} from "./image-builder";

async function pushBlobs(provider: RegistryProvider, repository: string, blobs: BuiltBlob[]): Promise<void> {
  for (const b of blobs) {
    if (!(await provider.headBlob(repository, b.digest))) await provider.uploadBlob(repository, b.bytes);
  }
}

export async function pushImage(provider: RegistryProvider, repository: string, image: BuiltImage, tag?: string): Promise<string> {
  await pushBlobs(provider, repository, [image.config, ...image.layers]);
  const result = await provider.putManifest(repository, tag ?? image.manifest.digest, image.manifest.bytes, image.manifest.mediaType);
  return result.digest;
}

export async function pushIndex(
  provider: RegistryProvider,
  repository: string,
  index: BuiltManifest,
  images: BuiltImage[],
  tag?: string,
): Promise<string> {
  for (const image of images) await pushImage(provider, repository, image);
  return (await provider.putManifest(repository, tag ?? index.digest, index.bytes, index.mediaType)).digest;
}

export async function pushReferrer(provider: RegistryProvider, repository: string, referrer: BuiltReferrer): Promise<{ digest: string; referrersIndexUpdated: boolean }> {
  await pushBlobs(provider, repository, referrer.blobs);
  const result = await provider.putManifest(repository, referrer.manifest.digest, referrer.manifest.bytes, referrer.manifest.mediaType);
  return { digest: result.digest, referrersIndexUpdated: result.referrersIndexUpdated };
}

export interface SeededImage {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  image: BuiltImage;
}

export interface SeededIndex {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  index: BuiltManifest;
  images: BuiltImage[];
  platforms: Array<Platform & { digest: string; size: number }>;
}

export interface SeededReferrer {
  digest: string;
  artifactType: string;
  mediaType: string;
  size: number;
  annotations: Record<string, string>;
}

export interface SeededStandardImages {
  single: SeededImage;
  multiArch: SeededIndex;
  docker: SeededImage;
  signed: SeededImage & { referrers: SeededReferrer[]; referrersTag: string };
}

export const SIGNATURE_ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";
export const SBOM_ARTIFACT_TYPE = "application/spdx+json";

export async function seedStandardImages(provider: RegistryProvider, options: { namespace?: string } = {}): Promise<SeededStandardImages> {
  const ns = options.namespace ?? "seed";

  const singleImage = buildImage({ layerCount: 2, labels: { "org.opencontainers.image.title": "single", team: "platform" } });
  const single: SeededImage = {
    repository: `${ns}/single`,
    tag: "1.0.0",
    digest: await pushImage(provider, `${ns}/single`, singleImage, "1.0.0"),
    mediaType: MediaType.OciManifest,
    image: singleImage,
  };

  const platforms: Platform[] = [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64" },
    { os: "linux", architecture: "arm", variant: "v7" },
  ];
  const platformImages = platforms.map((platform, i) =>
    buildImage({ platform, layerCount: 1, layerSize: 1024 * (i + 1), created: `2026-01-1${i + 5}T10:00:00Z`, labels: { "org.opencontainers.image.title": "multi" } }),
  );
  const index = buildIndex(platformImages);
  const multiArch: SeededIndex = {
    repository: `${ns}/multi`,
    tag: "2.0.0",
    digest: await pushIndex(provider, `${ns}/multi`, index, platformImages, "2.0.0"),
    mediaType: MediaType.OciIndex,
    index,
    images: platformImages,
    platforms: platformImages.map((img) => ({ ...img.platform, digest: img.manifest.digest, size: img.totalSize })),
  };

  const dockerImage = buildImage({ format: "docker", layerCount: 3, layerSize: 512 });
  const docker: SeededImage = {
    repository: `${ns}/docker`,
    tag: "legacy",
    digest: await pushImage(provider, `${ns}/docker`, dockerImage, "legacy"),
    mediaType: MediaType.DockerManifest,
    image: dockerImage,
  };

  const signedImage = buildImage({ layerCount: 1 });
  const signedRepo = `${ns}/signed`;
  const signedDigest = await pushImage(provider, signedRepo, signedImage, "1.0.0");
  const subject = signedImage.manifest;
  const signature = buildReferrer(subject, {
    artifactType: SIGNATURE_ARTIFACT_TYPE,
    payloadMediaType: "application/vnd.dev.cosign.simplesigning.v1+json",
    payload: new TextEncoder().encode(JSON.stringify({ critical: { image: { "docker-manifest-digest": subject.digest } } })),
    annotations: { "dev.cosignproject.cosign/signature": "MEUCIQDtest" },
  });
  const sbom = buildReferrer(subject, {
    artifactType: SBOM_ARTIFACT_TYPE,
    payloadMediaType: "application/spdx+json",
    payload: new TextEncoder().encode(JSON.stringify({ spdxVersion: "SPDX-2.3", name: "signed", packages: [] })),
  });
  const referrers: SeededReferrer[] = [];
  for (const r of [signature, sbom]) {
    const pushed = await pushReferrer(provider, signedRepo, r);
    referrers.push({ digest: pushed.digest, artifactType: r.artifactType, mediaType: r.manifest.mediaType, size: r.manifest.size, annotations: r.annotations });
  }

  return {
    single,
    multiArch,
    docker,
    signed: {
      repository: signedRepo,
      tag: "1.0.0",
      digest: signedDigest,
      mediaType: MediaType.OciManifest,
      image: signedImage,
      referrers,
      referrersTag: referrersTagFor(signedDigest),
    },
  };
}

export interface BulkSeedOptions {
  repositories: number;
  tagsPerRepository: number;
  concurrency?: number;
  namespace?: string;
  /** a distinct manifest per tag (default) or one manifest shared by all tags of a repository */
  uniqueManifests?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface BulkSeedResult {
  repositories: string[];
  tags: number;
  manifests: number;
  durationMs: number;
}

export function bulkRepositoryName(namespace: string, i: number): string {
  return `${namespace}/repo-${String(i).padStart(5, "0")}`;
}

export function bulkTagName(j: number): string {
  return `v${String(j).padStart(4, "0")}`;
}

export interface BulkContent {
  /** the one random layer every image shares */
  layer: BuiltBlob;
  /** the image without annotations; its config is the one config every image shares */
  base: BuiltImage;
  repositories: string[];
  /** the image a tag points at: annotated with tag and repository (uniqueManifests, the default) or `base` */
  imageFor(repository: string, tag: string): BuiltImage;
}

/** The bulk data set: what seedBulk pushes through the API and storage-seed.ts writes to disk. */
export function bulkContent(options: BulkSeedOptions): BulkContent {
  const ns = options.namespace ?? "bulk";
  const unique = options.uniqueManifests ?? true;
  const { layer, diffId } = randomLayer("oci", 256);
  const base = buildImage({ layers: [layer], diffIds: [diffId] });
  return {
    layer,
    base,
    repositories: Array.from({ length: options.repositories }, (_, i) => bulkRepositoryName(ns, i)),
    imageFor: (repository, tag) =>
      unique
        ? buildImage({ layers: [layer], diffIds: [diffId], annotations: { "org.opencontainers.image.version": tag, "org.opencontainers.image.ref.name": repository } })
        : base,
  };
}

/**
 * Many repositories × many tags sharing one config and one layer: the blobs are uploaded once and
 * cross-mounted into every other repository, so the cost is dominated by manifest PUTs.
 */
export async function seedBulk(provider: RegistryProvider, options: BulkSeedOptions): Promise<BulkSeedResult> {
  const started = performance.now();
  const concurrency = options.concurrency ?? 16;
  const { layer, base, repositories, imageFor } = bulkContent(options);
  const first = repositories[0];
  if (!first) return { repositories, tags: 0, manifests: 0, durationMs: 0 };

  await pushBlobs(provider, first, [base.config, layer]);
  await mapConcurrent(repositories.slice(1), concurrency, async (repo) => {
    for (const b of [base.config, layer]) {
      if (!(await provider.mountBlob(repo, b.digest, first))) await provider.uploadBlob(repo, b.bytes);
    }
  });

  const total = options.repositories * options.tagsPerRepository;
  const manifests = new Set<string>();
  let done = 0;
  await mapConcurrent(Array.from({ length: total }, (_, k) => k), concurrency, async (k) => {
    const repo = repositories[Math.floor(k / options.tagsPerRepository)] as string;
    const tag = bulkTagName(k % options.tagsPerRepository);
    const image = imageFor(repo, tag);
    const { digest } = await provider.putManifest(repo, tag, image.manifest.bytes, image.manifest.mediaType);
    manifests.add(digest);
    done++;
    if (options.onProgress && (done % 1000 === 0 || done === total)) options.onProgress(done, total);
  });

  return { repositories, tags: total, manifests: manifests.size, durationMs: Math.round(performance.now() - started) };
}
