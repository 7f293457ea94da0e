/**
 * Harbor's tags with their digests from the artifacts API, newest push first: an incremental read
 * stops at the first page that reaches back past the last sync. Artifacts carry their manifest media
 * type, size and (for an index) the platforms of their children, so the index needs no manifest read.
 * Harbor counts artifacts, not tags, so when the read stopped early the tag list (/v2/…/tags/list, one
 * request, not a manifest) says how many tags there are: fewer than expected means one went away.
 */
import { pullTime, type TagDigest, type TagDigestListing } from "../capabilities";
import { collectPages } from "../transport/paging";
import { isIndexMediaType } from "../media-types";
import { isReferrersTag } from "../reference";
import { readNewestFirst } from "../newest-first";
import type { Page } from "../provider";
import { expectArray, type JsonApi } from "../transport/json-api";
import { harborTime, splitRepository } from "./names";
import type { HarborArtifact } from "./types";

/** Harbor's cap on page_size */
const MAX_PAGE_SIZE = 100;
const MAX_PAGES = 1_000;

export async function harborTagDigests(api: JsonApi, repository: string, listTags: (cursor?: string) => Promise<Page<string>>, o: { since?: Date; pageSize?: number } = {}): Promise<TagDigestListing> {
  const { since } = o;
  const pageSize = Math.min(o.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const { project, param } = splitRepository(repository);
  const what = `artifacts of ${repository}`;
  const listed = await readNewestFirst<HarborArtifact>(
    async (page) => {
      const res = await api.call<unknown>({ path: `/projects/${encodeURIComponent(project)}/repositories/${param}/artifacts`, query: { with_tag: true, sort: "-push_time", page, page_size: pageSize }, what });
      const items = expectArray<HarborArtifact>(api, res.data, what);
      const seen = (page - 1) * pageSize + items.length;
      return { items, more: res.total !== undefined ? seen < res.total : items.length === pageSize };
    },
    { changedAt: (a) => harborTime(a.push_time), ...(since ? { since } : {}), maxPages: MAX_PAGES, registry: api.host, what },
  );
  const tags = listed.items.flatMap(toTagDigests);
  if (listed.complete) return { tags, complete: true, pullTimes: true };
  const all = await collectPages(listTags, { maxPages: MAX_PAGES, maxItems: Number.MAX_SAFE_INTEGER });
  // the referrers tag scheme (sha256-…) is the registry's fallback index, never indexed as a tag
  return { tags, complete: false, pullTimes: true, ...(all.truncated ? {} : { total: all.items.filter((t) => !isReferrersTag(t)).length }) };
}

function toTagDigests(a: HarborArtifact): TagDigest[] {
  if (!a.digest || !a.tags?.length) return [];
  const mediaType = a.manifest_media_type;
  const index = !!mediaType && isIndexMediaType(mediaType);
  const platforms = index ? (a.references ?? []).flatMap((r) => (r.child_digest && r.platform?.os && r.platform.architecture ? [{ os: r.platform.os, architecture: r.platform.architecture, ...(r.platform.variant ? { variant: r.platform.variant } : {}), digest: r.child_digest }] : [])) : [];
  // Harbor's media_type is the config's: anything but an image config names a non-image artifact
  const artifactType = !index && a.media_type && !/image\.config|container\.image/.test(a.media_type) ? a.media_type : undefined;
  const manifest = mediaType ? { mediaType, size: a.size ?? 0, platforms, ...(artifactType ? { artifactType } : {}) } : undefined;
  return a.tags.flatMap((t) => {
    const changedAt = harborTime(t.push_time) ?? harborTime(a.push_time);
    const pulledAt = latestPull(t.pull_time, a.pull_time);
    return t.name ? [{ tag: t.name, digest: a.digest!, ...(changedAt ? { changedAt } : {}), ...(pulledAt ? { pulledAt } : {}), ...(manifest ? { manifest } : {}) }] : [];
  });
}

/**
 * The later of the tag's and the artifact's pull time. The artifact's counts for every tag of it: a
 * deployment pinned by digest pulls the artifact, never the tag, and must still count as a pull.
 */
function latestPull(tag: string | undefined, artifact: string | undefined): string | undefined {
  const times = [pullTime(harborTime(tag)), pullTime(harborTime(artifact))].filter((t): t is string => !!t);
  return times.sort().at(-1);
}
