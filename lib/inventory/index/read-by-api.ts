/**
 * One repository read through the registry's own API (Harbor artifacts, ECR DescribeImages, Docker Hub
 * tags; see TagDigestSource in lib/registry/capabilities.ts) instead of a tag list plus a manifest
 * request per tag: the listing already says what each tag points at and when it last changed, and for
 * most manifests enough to index them. An incremental read asks only for what changed since the
 * environment's change cursor; when that listing cannot tell whether a tag went away (the registry's
 * tag count is unknown or differs from what the index and the listing add up to), it reads the whole
 * listing instead, so a deletion is never missed and never guessed.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { TagDigestListing, TagDigestSource } from "@/lib/registry";
import { applyObservation, type AppliedChanges, type TagEventSource } from "./snapshot";

export interface ApiRepositoryRead {
  tags: number;
  headRequests: number;
  manifestGets: number;
  /** observed digests new to this repository with no manifest summary: indexManifests GETs those not yet indexed */
  digests: Set<string>;
  changes: AppliedChanges;
  /** newest change time in the listing (ms, registry's clock) */
  latestChange?: number;
}

const REFERRERS_TAG = /^sha(256|512)-[0-9a-f]{64,128}$/;
const NO_CHANGES: AppliedChanges = { created: 0, moved: 0, deleted: 0, reappeared: 0 };

export async function readRepositoryByApi(
  prisma: PrismaClient,
  target: { environment: string; provider: { headManifest(repository: string, reference: string): Promise<{ digest: string } | null> } },
  api: TagDigestSource,
  repository: string,
  held: ReadonlyMap<string, string>,
  o: { limiter: <T>(fn: () => Promise<T>) => Promise<T>; since?: Date; source: TagEventSource },
): Promise<ApiRepositoryRead> {
  let listing = await o.limiter(() => api.tagDigests(repository, o.since ? { since: o.since } : {}));
  if (!listing.complete && !nothingWentAway(listing, held)) listing = await o.limiter(() => api.tagDigests(repository));

  const observed = new Map<string, string>();
  const summaries = new Map<string, NonNullable<TagDigestListing["tags"][number]["manifest"]>>();
  let latestChange: number | undefined;
  for (const t of listing.tags) {
    if (REFERRERS_TAG.test(t.tag)) continue;
    observed.set(t.tag, t.digest);
    if (t.manifest) summaries.set(t.digest, t.manifest);
    const at = Date.parse(t.changedAt ?? "");
    if (Number.isFinite(at) && (latestChange === undefined || at > latestChange)) latestChange = at;
  }
  // A tag listed without its digest: a HEAD (which Docker Hub does not count as a pull) says it.
  let headRequests = 0;
  let vanished = false;
  await Promise.all(
    (listing.unresolved ?? []).filter((t) => !REFERRERS_TAG.test(t)).map(async (tag) => {
      headRequests++;
      const head = await o.limiter(() => target.provider.headManifest(repository, tag));
      if (head) observed.set(tag, head.digest);
      else vanished = true;
    }),
  );

  const coverage = listing.complete && !vanished ? "complete" : "partial";
  const unchanged = [...observed].every(([tag, digest]) => held.get(tag) === digest) && (coverage === "partial" || observed.size === held.size);
  const changes = unchanged ? { ...NO_CHANGES } : await applyObservation(prisma, { environment: target.environment, repository, tags: observed, coverage }, { source: o.source });

  // Manifests are immutable by digest: only digests new to this repository can be new to the index.
  const before = new Set(held.values());
  const fresh = [...new Set(observed.values())].filter((d) => !before.has(d));
  const rows = fresh.flatMap((digest) => {
    const m = summaries.get(digest);
    return m ? [{ digest, mediaType: m.mediaType, size: BigInt(m.size), platforms: m.platforms, artifactType: m.artifactType ?? null, subject: null }] : [];
  });
  if (rows.length) await prisma.inventoryManifest.createMany({ data: rows, skipDuplicates: true });
  const tags = listing.complete ? observed.size : (listing.total ?? observed.size);
  return { tags, headRequests, manifestGets: 0, digests: new Set(fresh.filter((d) => !summaries.has(d))), changes, ...(latestChange !== undefined ? { latestChange } : {}) };
}

/**
 * An incomplete listing holds every tag changed since the cursor, so nothing went away exactly when
 * the registry's count equals the tags the index holds plus those the listing adds.
 */
function nothingWentAway(listing: TagDigestListing, held: ReadonlyMap<string, string>): boolean {
  if (listing.total === undefined) return false;
  const all = new Set(held.keys());
  for (const t of listing.tags) if (!REFERRERS_TAG.test(t.tag)) all.add(t.tag);
  for (const t of listing.unresolved ?? []) if (!REFERRERS_TAG.test(t)) all.add(t);
  return all.size === listing.total;
}
