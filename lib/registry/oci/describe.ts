/**
 * Everything the artifact page needs in one call: the manifest, the image config(s), per-platform
 * sizes. An index fans out to its platform manifests with bounded concurrency. Layers are never
 * downloaded: sizes come from the descriptors, which the verified manifest bytes vouch for.
 */
import { RegistryError } from "../errors";
import { mapConcurrent } from "../concurrency";
import { isImageConfigMediaType, isIndexMediaType } from "../media-types";
import type {
  ArtifactDetails,
  Descriptor,
  ImageConfigSummary,
  ImageManifestJson,
  PlatformSummary,
} from "../provider";
import { isIndexJson } from "../provider";
import { badShape, LIMITS, parseJson } from "../transport/body";
import { fetchBlobBytes } from "./blobs";
import type { OciClient } from "./client";
import { getManifest } from "./manifests";
import { describeIssues, imageConfigSchema, type ImageConfigJson } from "./schemas";

function summarizeConfig(json: ImageConfigJson): ImageConfigSummary {
  const config = json.config ?? {};
  return {
    ...(json.created ? { created: json.created } : {}),
    os: json.os,
    architecture: json.architecture,
    ...(json.variant ? { variant: json.variant } : {}),
    env: config.Env ?? [],
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    ...(config.WorkingDir ? { workingDir: config.WorkingDir } : {}),
    ...(config.User ? { user: config.User } : {}),
    labels: config.Labels ?? {},
    history: (json.history ?? []).map((h) => ({
      ...(h.created ? { created: h.created } : {}),
      ...(h.created_by ? { createdBy: h.created_by } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
      emptyLayer: h.empty_layer === true,
    })),
  };
}

export async function getConfig(client: OciClient, repository: string, digest: string): Promise<ImageConfigSummary> {
  const what = `image config ${repository}@${digest}`;
  const { bytes, response } = await fetchBlobBytes(client, repository, digest, LIMITS.config);
  const parsed = imageConfigSchema.safeParse(parseJson(bytes, response, what));
  if (!parsed.success) throw badShape(response, what, describeIssues(parsed.error));
  return summarizeConfig(parsed.data);
}

function imageSize(manifestSize: number, json: ImageManifestJson): number {
  return manifestSize + json.config.size + json.layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** buildkit stores provenance/SBOM attestations as pseudo-platforms "unknown/unknown" in the index */
function isAttestation(d: Descriptor): boolean {
  return d.annotations?.["vnd.docker.reference.type"] !== undefined;
}

function latest(dates: Array<string | undefined>): string | undefined {
  let best: string | undefined;
  let bestTime = -Infinity;
  for (const d of dates) {
    const t = d ? Date.parse(d) : NaN;
    if (!Number.isNaN(t) && t > bestTime) {
      best = d;
      bestTime = t;
    }
  }
  return best;
}

interface PlatformResult {
  platform: PlatformSummary;
  config?: ImageConfigSummary;
}

async function describePlatform(client: OciClient, repository: string, d: Descriptor): Promise<PlatformResult> {
  const fromDescriptor = {
    os: d.platform?.os ?? "unknown",
    architecture: d.platform?.architecture ?? "unknown",
    ...(d.platform?.variant ? { variant: d.platform.variant } : {}),
  };
  if (isIndexMediaType(d.mediaType)) {
    // nested indexes are rare; count the nested index itself rather than recursing without bound
    return { platform: { ...fromDescriptor, digest: d.digest, size: d.size } };
  }
  const child = await getManifest(client, repository, d.digest);
  if (child.size !== d.size) {
    throw new RegistryError({
      kind: "bad_response",
      registry: client.host,
      message: `index in ${repository} lists ${d.digest} with size ${d.size}, but the manifest is ${child.size} bytes`,
    });
  }
  if (isIndexJson(child.json)) return { platform: { ...fromDescriptor, digest: d.digest, size: d.size } };
  const config = isImageConfigMediaType(child.json.config.mediaType)
    ? await getConfig(client, repository, child.json.config.digest)
    : undefined;
  return {
    platform: {
      os: d.platform?.os ?? config?.os ?? "unknown",
      architecture: d.platform?.architecture ?? config?.architecture ?? "unknown",
      ...((d.platform?.variant ?? config?.variant) ? { variant: (d.platform?.variant ?? config?.variant) as string } : {}),
      digest: d.digest,
      size: imageSize(child.size, child.json),
      ...(config?.created ? { created: config.created } : {}),
    },
    ...(config ? { config } : {}),
  };
}

export async function describeArtifact(client: OciClient, repository: string, reference: string): Promise<ArtifactDetails> {
  const manifest = await getManifest(client, repository, reference);
  const json = manifest.json;

  if (isIndexJson(json)) {
    const entries = json.manifests.filter((d) => !isAttestation(d));
    const results = await mapConcurrent(entries, client.concurrency, (d) => describePlatform(client, repository, d as Descriptor));
    const platforms = results.map((r) => r.platform);
    const platformConfigs: Record<string, ImageConfigSummary> = {};
    for (const r of results) if (r.config) platformConfigs[r.platform.digest] = r.config;
    // labels are normally identical across platforms; prefer linux/amd64 as docker does by default
    const labelSource =
      results.find((r) => r.platform.os === "linux" && r.platform.architecture === "amd64" && r.config) ??
      results.find((r) => r.config);
    const created = latest(platforms.map((p) => p.created)) ?? json.annotations?.["org.opencontainers.image.created"];
    return {
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      size: manifest.size + platforms.reduce((sum, p) => sum + p.size, 0),
      platforms,
      ...(created ? { created } : {}),
      ...(labelSource?.config ? { labels: labelSource.config.labels } : {}),
      ...(json.artifactType ? { artifactType: json.artifactType } : {}),
      manifest,
      platformConfigs,
    };
  }

  const isImage = isImageConfigMediaType(json.config.mediaType);
  const config = isImage ? await getConfig(client, repository, json.config.digest) : undefined;
  const size = imageSize(manifest.size, json);
  const artifactType = json.artifactType ?? (isImage ? undefined : json.config.mediaType);
  const created = config?.created ?? json.annotations?.["org.opencontainers.image.created"];
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size,
    platforms: config
      ? [
          {
            os: config.os,
            architecture: config.architecture,
            ...(config.variant ? { variant: config.variant } : {}),
            digest: manifest.digest,
            size,
            ...(config.created ? { created: config.created } : {}),
          },
        ]
      : [],
    ...(created ? { created } : {}),
    ...(config ? { labels: config.labels, config } : {}),
    ...(artifactType ? { artifactType } : {}),
    manifest,
  };
}
