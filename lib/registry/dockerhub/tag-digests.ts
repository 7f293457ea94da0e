/**
 * Docker Hub's tags with their digests, from the Hub API (hub.docker.com), never from registry-1:
 * Hub's pull limit counts manifest requests there, and the tag listing already says what each tag
 * points at, when it last changed and, per platform, the platform manifests of an index.
 */
import { pullTime, type TagDigest, type TagDigestListing } from "../capabilities";
import { isIndexMediaType } from "../media-types";
import { readNewestFirst } from "../newest-first";
import { expectArray, type JsonApi } from "../transport/json-api";
import { splitHubRepository, type HubTag } from "./api";

/** Pages of 100 (Hub's maximum): 10,000 tags, more than any repository the index is meant for. */
const MAX_PAGES = 100;

export async function hubTagDigests(api: JsonApi, repository: string, since?: Date): Promise<TagDigestListing> {
  const [namespace, name] = splitHubRepository(repository);
  const what = `tags of ${repository}`;
  let total: number | undefined;
  // Hub lists tags most recently updated first by default; readNewestFirst checks that it does.
  const listed = await readNewestFirst<HubTag>(
    async (page) => {
      const res = await api.call<unknown>({ path: `/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(name)}/tags`, query: { page, page_size: 100 }, what });
      const body = (res.data ?? {}) as { results?: unknown; next?: unknown; count?: unknown };
      if (page === 1 && typeof body.count === "number") total = body.count;
      // the `next` link says there is more: Hub answers a page past the end with 404
      return { items: expectArray<HubTag>(api, body.results, what), more: typeof body.next === "string" && body.next !== "" };
    },
    { changedAt: (t) => t.last_updated ?? t.tag_last_pushed ?? undefined, ...(since ? { since } : {}), maxPages: MAX_PAGES, registry: api.host, what },
  );
  const tags: TagDigest[] = [];
  const unresolved: string[] = [];
  for (const t of listed.items) {
    const read = toTagDigest(t);
    if (read) tags.push(read);
    else if (t.name) unresolved.push(t.name);
  }
  return { tags, complete: listed.complete, pullTimes: true, ...(total !== undefined ? { total } : {}), ...(unresolved.length ? { unresolved } : {}) };
}

function toTagDigest(t: HubTag): TagDigest | null {
  const images = Array.isArray(t.images) ? t.images : t.images ? [t.images] : [];
  // an older Hub answer without the tag's digest: a single-platform tag's one image is the manifest itself
  const digest = t.digest ?? (images.length === 1 && !t.media_type ? images[0]?.digest : undefined);
  if (!t.name || !digest) return null;
  const mediaType = t.media_type;
  const platforms =
    mediaType && isIndexMediaType(mediaType)
      ? images.flatMap((i) => (i.digest && i.os && i.architecture ? [{ os: i.os, architecture: i.architecture, ...(i.variant ? { variant: i.variant } : {}), digest: i.digest }] : []))
      : [];
  const changedAt = t.last_updated ?? t.tag_last_pushed;
  const pulledAt = pullTime(t.tag_last_pulled);
  return {
    tag: t.name,
    digest,
    ...(changedAt ? { changedAt } : {}),
    ...(pulledAt ? { pulledAt } : {}),
    ...(mediaType ? { manifest: { mediaType, size: t.full_size ?? 0, platforms } } : {}),
  };
}
