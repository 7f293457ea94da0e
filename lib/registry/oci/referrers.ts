/**
 * Referrers (signatures, SBOMs, attestations attached to a manifest through `subject`).
 *
 * OCI 1.1 registries answer `GET /v2/<name>/referrers/<digest>`. Older ones (Distribution 2.8 among
 * them) 404 on that path, and clients keep the list themselves in an image index tagged
 * `<alg>-<hex>` (the "referrers tag schema"): the pusher of a manifest with `subject` appends a
 * descriptor to it, whoever deletes one removes it. Both sides of that protocol live here.
 */
import { RegistryError } from "../errors";
import { MediaType } from "../media-types";
import type { Descriptor, ImageIndexJson, ManifestJson, Referrer, ReferrersResult } from "../provider";
import { isIndexJson } from "../provider";
import { referrersTagFor } from "../reference";
import { badShape, LIMITS, parseJson, readBody } from "../transport/body";
import { repoUrl, scope, type OciClient } from "./client";
import { parseNextLink } from "../transport/link-header";
import { getManifest, putManifest } from "./manifests";
import { describeIssues, imageIndexSchema } from "./schemas";
import { discard, header, headerValues } from "../transport/types";

const MAX_REFERRER_PAGES = 100;

function toReferrer(d: Descriptor): Referrer {
  return {
    digest: d.digest,
    mediaType: d.mediaType,
    size: d.size,
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    ...(d.annotations ? { annotations: d.annotations } : {}),
  };
}

/** The descriptor a referrers list holds for a manifest with `subject` (spec: artifactType, annotations). */
export function referrerDescriptor(json: ManifestJson, mediaType: string, digest: string, size: number): Descriptor {
  const artifactType = json.artifactType ?? (isIndexJson(json) ? undefined : json.config.mediaType);
  return {
    mediaType,
    digest,
    size,
    ...(artifactType ? { artifactType } : {}),
    ...(json.annotations ? { annotations: json.annotations } : {}),
  };
}

/** null when the registry has no referrers API (404); otherwise up to `maxPages` pages of referrers. */
async function viaApi(client: OciClient, repository: string, digest: string, artifactType?: string, maxPages = MAX_REFERRER_PAGES): Promise<Referrer[] | null> {
  let url = repoUrl(client, repository, "referrers", digest);
  if (artifactType) url.searchParams.set("artifactType", artifactType);
  const referrers: Referrer[] = [];
  for (let page = 0; page < maxPages; page++) {
    const res = await client.send({
      method: "GET",
      url,
      headers: { accept: MediaType.OciIndex },
      scopes: [scope.pull(repository)],
      expect: page === 0 ? [200, 404] : [200],
      what: `referrers of ${repository}@${digest}`,
    });
    if (res.status === 404) {
      await discard(res);
      return null;
    }
    const parsed = imageIndexSchema.safeParse(parseJson(await readBody(res, LIMITS.json), res, "the referrers list"));
    if (!parsed.success) throw badShape(res, "referrers list", describeIssues(parsed.error));
    const filtered = (header(res, "oci-filters-applied") ?? "").split(",").map((s) => s.trim()).includes("artifactType");
    for (const d of parsed.data.manifests) {
      // a registry that ignored the filter leaves the filtering to us
      if (artifactType && !filtered && d.artifactType !== artifactType) continue;
      referrers.push(toReferrer(d as Descriptor));
    }
    const next = parseNextLink(headerValues(res, "link"), url);
    if (!next) return referrers;
    if (next.origin !== client.registryUrl.origin) {
      // our credentials must not follow a link to another host
      throw badShape(res, "referrers list", `its next-page link points to another host (${next.origin})`);
    }
    url = next;
  }
  return referrers;
}

/** The fallback index, or null when the tag is absent or holds something else (spec: "assume none"). */
async function readFallbackIndex(client: OciClient, repository: string, subject: string): Promise<ImageIndexJson | null> {
  try {
    const manifest = await getManifest(client, repository, referrersTagFor(subject), [MediaType.OciIndex]);
    return isIndexJson(manifest.json) ? manifest.json : null;
  } catch (err) {
    if (err instanceof RegistryError && (err.kind === "not_found" || err.kind === "unsupported")) return null;
    throw err;
  }
}

export async function listReferrers(
  client: OciClient,
  repository: string,
  digest: string,
  options: { artifactType?: string } = {},
): Promise<ReferrersResult> {
  const fromApi = await viaApi(client, repository, digest, options.artifactType);
  if (fromApi) return { referrers: fromApi, via: "referrers-api" };
  const index = await readFallbackIndex(client, repository, digest);
  const referrers = (index?.manifests ?? [])
    .filter((d) => !options.artifactType || d.artifactType === options.artifactType)
    .map((d) => toReferrer(d));
  return { referrers, via: "tag-schema" };
}

/** Whether the registry serves the referrers API (a 404 there means it does not). */
export async function hasReferrersApi(client: OciClient, repository: string, digest: string): Promise<boolean> {
  // the first answer tells: reading further pages would not change it
  return (await viaApi(client, repository, digest, undefined, 1)) !== null;
}

/**
 * Read-modify-write of the fallback index must not interleave for the same subject. Across processes
 * nothing can prevent it on a registry without conditional PUTs; within one process this lock does.
 */
async function withIndexLock<T>(client: OciClient, key: string, fn: () => Promise<T>): Promise<T> {
  const previous = client.referrerIndexLocks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  client.referrerIndexLocks.set(key, settled);
  try {
    return await run;
  } finally {
    if (client.referrerIndexLocks.get(key) === settled) client.referrerIndexLocks.delete(key);
  }
}

async function writeFallbackIndex(client: OciClient, repository: string, subject: string, index: ImageIndexJson): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  await putManifest(client, repository, referrersTagFor(subject), bytes, MediaType.OciIndex);
}

/** Appends `descriptor` to the fallback index of `subject`. Returns false if it was already listed. */
export async function addToFallbackIndex(client: OciClient, repository: string, subject: string, descriptor: Descriptor): Promise<boolean> {
  return withIndexLock(client, `${repository}@${subject}`, async () => {
    let index: ImageIndexJson;
    try {
      const current = await getManifest(client, repository, referrersTagFor(subject), [MediaType.OciIndex]);
      if (!isIndexJson(current.json)) {
        throw new RegistryError({
          kind: "bad_response",
          registry: client.host,
          message: `tag ${repository}:${referrersTagFor(subject)} holds a ${current.mediaType}, not a referrers index; not overwriting it`,
        });
      }
      index = current.json;
    } catch (err) {
      if (!(err instanceof RegistryError && err.kind === "not_found")) throw err;
      index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
    }
    if (index.manifests.some((d) => d.digest === descriptor.digest)) return false;
    await writeFallbackIndex(client, repository, subject, { ...index, manifests: [...index.manifests, descriptor] });
    return true;
  });
}

/** Removes `digest` from the fallback index of `subject`. Returns false if it was not listed. */
export async function removeFromFallbackIndex(client: OciClient, repository: string, subject: string, digest: string): Promise<boolean> {
  return withIndexLock(client, `${repository}@${subject}`, async () => {
    const index = await readFallbackIndex(client, repository, subject);
    if (!index || !index.manifests.some((d) => d.digest === digest)) return false;
    await writeFallbackIndex(client, repository, subject, { ...index, manifests: index.manifests.filter((d) => d.digest !== digest) });
    return true;
  });
}
