/**
 * One repository read through the registry's own API (Harbor artifacts, ECR DescribeImages, Docker Hub
 * tags; see TagDigestSource in lib/registry/capabilities.ts) instead of a tag list plus a manifest
 * request per tag: the listing already says what each tag points at and when it last changed, and for
 * most manifests enough to index them. An incremental read asks only for what changed since the
 * environment's change cursor; when that listing cannot tell whether a tag went away (the registry's
 * tag count is unknown or differs from what the index and the listing add up to), it reads the whole
 * listing instead, so a deletion is never missed and never guessed.
 *
 * Pull times come with the listing where the registry reports them. A pull changes no digest and, on
 * Harbor and Docker Hub, no change time either, so an incremental read sees pulls only of what it
 * lists; the hourly full read lists every tag and writes each pull time that differs from the index's.
 */
import { isReferrersTag, type TagDigestListing, type TagDigestSource } from "@/lib/registry";
import type { ManifestRow } from "./manifest-rows";
import type { RepositoryRead } from "./repository-read";


/**
 * The repository as the registry's API lists it, ready for the sync's writer; null when it says
 * exactly what the index holds. Each listed change time is reported through `changedAt` (the
 * registry's clock), so the caller can move the environment's change cursor.
 */
export async function readRepositoryByApi(
  target: { environment: string; provider: { headManifest(repository: string, reference: string): Promise<{ digest: string } | null> } },
  api: TagDigestSource,
  repository: string,
  held: ReadonlyMap<string, string>,
  o: { limiter: <T>(fn: () => Promise<T>) => Promise<T>; since?: Date; changedAt?: (at: number) => void; referred?: Map<string, string>; heldPulls?: ReadonlyMap<string, number> },
): Promise<RepositoryRead | null> {
  let listing = await o.limiter(() => api.tagDigests(repository, o.since ? { since: o.since } : {}));
  if (!listing.complete && !nothingWentAway(listing, held)) listing = await o.limiter(() => api.tagDigests(repository));

  const observed = new Map<string, string>();
  const pushedAt = new Map<string, string>();
  /** tag → last pull (ISO), null: never pulled; only where the registry reports pulls */
  const pulledAt = new Map<string, string | null>();
  const summaries = new Map<string, NonNullable<TagDigestListing["tags"][number]["manifest"]>>();
  for (const t of listing.tags) {
    // a referrers tag (`sha256-<hex>`) is no image tag: it says its subject has referrers (enrich.ts reads them)
    if (isReferrersTag(t.tag)) {
      o.referred?.set(t.tag.replace("-", ":"), repository);
      continue;
    }
    observed.set(t.tag, t.digest);
    if (t.pulledAt || listing.pullTimes) pulledAt.set(t.tag, t.pulledAt ?? null);
    if (t.manifest) summaries.set(t.digest, t.manifest);
    const at = Date.parse(t.changedAt ?? "");
    if (Number.isFinite(at)) {
      o.changedAt?.(at);
      pushedAt.set(t.tag, t.changedAt!);
    }
  }
  // A tag listed without its digest: a HEAD (which Docker Hub does not count as a pull) says it.
  let headRequests = 0;
  let vanished = false;
  await Promise.all(
    (listing.unresolved ?? []).filter((t) => !isReferrersTag(t)).map(async (tag) => {
      headRequests++;
      const head = await o.limiter(() => target.provider.headManifest(repository, tag));
      if (head) observed.set(tag, head.digest);
      else vanished = true;
    }),
  );

  const coverage = listing.complete && !vanished ? "complete" : "partial";
  const unchanged = [...observed].every(([tag, digest]) => held.get(tag) === digest) && (coverage === "partial" || observed.size === held.size);
  if (unchanged) {
    // only pulls happened: those tags alone, as a partial observation (nothing else is written)
    const pulled = [...pulledAt].filter(([tag, iso]) => (iso === null ? null : Date.parse(iso)) !== (o.heldPulls?.get(tag) ?? null));
    if (!pulled.length) return null;
    const tags = new Map(pulled.map(([tag]) => [tag, observed.get(tag)!]));
    return { observation: { environment: target.environment, repository, tags, coverage: "partial", pulledAt: new Map(pulled) }, manifests: [], headRequests, manifestGets: 0 };
  }

  // Manifests are immutable by digest: only digests new to this repository can be new to the index;
  // the writer GETs those the listing did not summarize and the index has never seen. A summary names
  // no layers: blobs null (retention then counts the manifest's full size, an upper bound).
  const before = new Set(held.values());
  const manifests: ManifestRow[] = [...summaries]
    .filter(([digest]) => !before.has(digest))
    .map(([digest, m]) => ({ digest, mediaType: m.mediaType, size: BigInt(m.size), platforms: m.platforms, artifactType: m.artifactType ?? null, subject: null, configDigest: null, blobs: null }));
  return { observation: { environment: target.environment, repository, tags: observed, coverage, ...(pushedAt.size ? { pushedAt } : {}), ...(pulledAt.size ? { pulledAt } : {}) }, manifests, headRequests, manifestGets: 0 };
}

/**
 * An incomplete listing holds every tag changed since the cursor, so nothing went away exactly when
 * the registry's count equals the tags the index holds plus those the listing adds.
 */
function nothingWentAway(listing: TagDigestListing, held: ReadonlyMap<string, string>): boolean {
  if (listing.total === undefined) return false;
  const all = new Set(held.keys());
  for (const t of listing.tags) if (!isReferrersTag(t.tag)) all.add(t.tag);
  for (const t of listing.unresolved ?? []) if (!isReferrersTag(t)) all.add(t);
  return all.size === listing.total;
}
