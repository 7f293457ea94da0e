/**
 * Labels for an index (multi-platform manifest list / OCI image index): an index has no config of its
 * own, so it takes the created time and labels of ONE representative child, chosen deterministically
 * (linux/amd64, else linux/arm64, else the first real platform; BuildKit's attestation children,
 * platform unknown/unknown, never). Reading every platform's config would cost a manifest GET and a
 * blob GET per platform for what is, in practice, the same labels.
 *
 * The child's manifest is reused when the index already holds it with its config digest; otherwise it
 * is fetched by digest once (at most a bounded number per sync: the rest wait for the next one) and
 * inserted as a manifest row, and its config is then read by enrich.ts through the same once-per-config
 * path as every tagged image. This module only reads and plans; enrich.ts writes the content.
 *
 * Registry data is hostile: the child fetched is always one the index lists (its digest verified by
 * getManifest, which also caps the body at 4 MiB); a child that turns out to be an index itself (or an
 * artifact) is not followed, and the index gets no labels, as before.
 *
 * Docker Hub: the sync reads Hub through its tag listing (read-by-api.ts), which names every index's
 * platforms but no image config, so a Hub image's config is otherwise never read (its labels stay {})
 * and the sync sends registry-1 no manifest request at all. Hub's pull limit counts every manifest GET
 * (HEADs and blob GETs are free), so here each Hub index costs ONE pull, once in its life (a digest's
 * labels never change), and on a registry that reports a pull limit (rateLimitSource: Hub) a sync
 * spends at most HUB_CHILD_GETS_PER_SYNC pulls, and never more than would leave the account under
 * half of its allowance: before the first GET it asks the limit with one HEAD (not a pull); when the
 * account reports no limit, HUB_CHILD_GETS_PER_SYNC still applies. So at most 10 pulls per sync
 * (full or incremental, and per event re-read), only while indexes wait for labels, and never the
 * account's last half. A rate-limit answer stops the rest until the next sync.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { describeRegistryError, isIndexJson, isIndexMediaType, mapConcurrent, MediaType, rateLimitSource, RegistryError, type RegistryProvider } from "@/lib/registry";
import { insertManifests, manifestRow } from "./manifest-rows";

/** index children fetched per sync (a registry with thousands of multi-arch images is enriched over a few syncs) */
export const CHILD_GETS_PER_SYNC = 200;
/** on a registry with a pull limit (Docker Hub) each child GET is one pull against the account's limit: see above */
export const HUB_CHILD_GETS_PER_SYNC = 10;
/** the share of the account's pull allowance the sync never eats into */
const PULLS_KEPT = 0.5;

const INDEX_TYPES = [MediaType.OciIndex, MediaType.DockerManifestList];
const DIGEST = /^sha(256:[0-9a-f]{64}|512:[0-9a-f]{128})$/;

export interface IndexChild {
  os: string;
  architecture: string;
  variant?: string;
  digest: string;
}

/** What enrich.ts writes for the pending indexes of one read. */
export interface IndexPlan {
  /** config digest → the manifests (indexes and their representative children) to take its content, and a repository holding it */
  byConfig: Map<string, { repository: string; digests: string[] }>;
  /** indexes whose representative child was already enriched: its content, as stored */
  copies: { digests: string[]; created: Date | null; labels: unknown }[];
  /** indexes with nothing to read: no real platform, or a child that is missing, an index or an artifact */
  empty: string[];
  /** child manifests fetched */
  childGets: number;
}

type Limiter = <R>(fn: () => Promise<R>) => Promise<R>;

/**
 * The child whose config speaks for the index: linux/amd64, else linux/arm64, else the first listed
 * platform that is not "unknown" (attestations). Entries that are not well-formed are ignored.
 */
export function representativeChild(platforms: unknown): IndexChild | null {
  if (!Array.isArray(platforms)) return null;
  const children = platforms.filter(
    (p): p is IndexChild => typeof p === "object" && p !== null && typeof p.os === "string" && typeof p.architecture === "string" && typeof p.digest === "string" && DIGEST.test(p.digest),
  );
  const real = children.filter((c) => c.os !== "unknown" && c.architecture !== "unknown" && c.os !== "" && c.architecture !== "");
  return real.find((c) => c.os === "linux" && c.architecture === "amd64") ?? real.find((c) => c.os === "linux" && c.architecture === "arm64") ?? real[0] ?? null;
}

/**
 * The indexes tagged in this environment (or one repository of it) not yet enriched, resolved to their
 * representative child's config: from the index's rows where it can, by fetching the child otherwise.
 */
export async function planIndexes(
  prisma: PrismaClient,
  target: { environment: string; provider: RegistryProvider },
  limiter: Limiter,
  repository: string | undefined,
  errors: string[],
): Promise<IndexPlan> {
  const plan: IndexPlan = { byConfig: new Map(), copies: [], empty: [], childGets: 0 };
  const pending = await prisma.$queryRawUnsafe<{ digest: string; platforms: unknown; repository: string }[]>(
    `SELECT DISTINCT ON (m."digest") m."digest", m."platforms", t."repository" FROM "InventoryManifest" m
     JOIN "InventoryTag" t ON t."digest" = m."digest"
     WHERE m."enrichedAt" IS NULL AND m."artifactType" IS NULL AND m."mediaType" = ANY($1::text[])
       AND t."environment" = $2 AND ($3::text IS NULL OR t."repository" = $3)
     ORDER BY m."digest", t."repository"`,
    INDEX_TYPES,
    target.environment,
    repository ?? null,
  );
  if (!pending.length) return plan;

  const chosen = new Map<string, { child: string; repository: string }>();
  for (const p of pending) {
    const child = representativeChild(p.platforms);
    if (child && child.digest !== p.digest) chosen.set(p.digest, { child: child.digest, repository: p.repository });
    else plan.empty.push(p.digest);
  }
  // one array parameter, however many indexes a first sync finds (an IN list has a parameter limit)
  const known = new Map(
    (
      await prisma.$queryRawUnsafe<{ digest: string; mediaType: string; artifactType: string | null; configDigest: string | null; enrichedAt: Date | null; created: Date | null; labels: unknown }[]>(
        `SELECT "digest", "mediaType", "artifactType", "configDigest", "enrichedAt", "created", "labels" FROM "InventoryManifest" WHERE "digest" = ANY($1::text[])`,
        [...new Set([...chosen.values()].map((c) => c.child))],
      )
    ).map((m) => [m.digest, m]),
  );

  const addToConfig = (config: string, repo: string, digests: string[]) => {
    const group = plan.byConfig.get(config);
    if (group) group.digests.push(...digests);
    else plan.byConfig.set(config, { repository: repo, digests: [...digests] });
  };
  /** already enriched children → the indexes taking their content (one write per child) */
  const copies = new Map<string, IndexPlan["copies"][number]>();
  /** children to fetch → the repository to fetch from and the indexes waiting for them */
  const toFetch = new Map<string, { repository: string; indexes: string[] }>();
  for (const [index, { child, repository: repo }] of chosen) {
    const row = known.get(child);
    if (row && (isIndexMediaType(row.mediaType) || row.artifactType !== null)) plan.empty.push(index);
    else if (row?.configDigest && row.enrichedAt) {
      const copy = copies.get(child);
      if (copy) copy.digests.push(index);
      else copies.set(child, { digests: [index], created: row.created, labels: row.labels });
    }
    else if (row?.configDigest) addToConfig(row.configDigest, repo, [index, child]);
    else {
      // not indexed, or indexed from a registry's listing without its config (Hub, Harbor): fetch it
      const f = toFetch.get(child);
      if (f) f.indexes.push(index);
      else toFetch.set(child, { repository: repo, indexes: [index] });
    }
  }

  plan.copies = [...copies.values()];
  const cap = toFetch.size ? await childGetBudget(target.provider) : 0;
  // the first `cap` by digest: the rest stay unenriched and are asked at the next sync
  const fetching = [...toFetch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, cap);
  let rateLimited = false;
  await mapConcurrent(fetching, 4, async ([child, { repository: repo, indexes }]) => {
    if (rateLimited) return;
    let manifest;
    try {
      plan.childGets++;
      manifest = await limiter(() => target.provider.getManifest(repo, child));
    } catch (err) {
      // a missing child will not appear later: the index is enriched without labels, as an index was before
      if (err instanceof RegistryError && err.kind === "not_found") return void plan.empty.push(...indexes);
      if (err instanceof RegistryError && err.kind === "rate_limited") rateLimited = true;
      return void errors.push(`platform manifest ${child} of ${repo}: ${describeRegistryError(err).message}`);
    }
    const row = manifestRow(manifest);
    // getManifest verified the digest; an index as a child is not followed (no recursion), nor an artifact
    if (manifest.digest !== child || isIndexJson(manifest.json) || !row.configDigest || row.artifactType !== null) return void plan.empty.push(...indexes);
    await insertManifests(prisma, [row]);
    // a row written earlier from a listing without the config: the manifest is immutable, so its config digest is known now
    await prisma.inventoryManifest.updateMany({ where: { digest: child, configDigest: null }, data: { configDigest: row.configDigest } });
    // the child itself takes the content too, unless it was already enriched (without its config)
    addToConfig(row.configDigest, repo, known.get(child)?.enrichedAt ? indexes : [...indexes, child]);
  });
  return plan;
}

/**
 * Child GETs this sync may make: CHILD_GETS_PER_SYNC, or on a registry that counts pulls (Docker Hub)
 * HUB_CHILD_GETS_PER_SYNC and no more than the pulls left above PULLS_KEPT of the allowance. A limit
 * that cannot be read spends nothing: the indexes wait for a sync that can.
 */
export async function childGetBudget(provider: RegistryProvider): Promise<number> {
  const counted = rateLimitSource(provider);
  if (!counted) return CHILD_GETS_PER_SYNC;
  let info;
  try {
    info = await counted.rateLimit();
  } catch {
    return 0;
  }
  if (!info || info.remaining === undefined) return HUB_CHILD_GETS_PER_SYNC;
  const spare = info.remaining - Math.ceil((info.limit ?? info.remaining) * PULLS_KEPT);
  return Math.max(0, Math.min(HUB_CHILD_GETS_PER_SYNC, spare));
}
