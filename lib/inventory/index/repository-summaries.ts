/**
 * What the repository list shows per repository, from the inventory index: tag count, stored size,
 * last push and scan status, for the repositories of one page (one statement, however many).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { VisibleEnvironments } from "./reads";

export interface RepositorySummary {
  repository: string;
  tagCount: number;
  /** bytes of the distinct manifests its tags point at (an index counts its platforms' manifests) */
  size: number;
  /** the newest push: the registry's push time where it reports one, else when the index first saw the tag */
  lastPush: Date;
  /** "registry": every tag has the registry's push time; "first-seen": at least one is the index's first sight */
  lastPushSource: "registry" | "first-seen";
  /** distinct digests, and how many of them have a scan summary */
  digests: number;
  scanned: number;
  /** summed over the distinct digests that were scanned */
  critical: number;
  high: number;
}

interface Row {
  repository: string;
  tagCount: number;
  lastPush: Date | string;
  allPushed: boolean;
  size: unknown;
  digests: number;
  scanned: number;
  critical: number;
  high: number;
}

export async function repositorySummaries(prisma: PrismaClient, v: VisibleEnvironments, q: { environment: string; repositories: readonly string[] }): Promise<Map<string, RepositorySummary>> {
  const out = new Map<string, RepositorySummary>();
  if ((v !== "all" && !v.includes(q.environment)) || q.repositories.length === 0) return out;
  // The index holds no referrers tags (isReferrersTag keeps them out), so count(*) agrees with the tag table.
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `WITH cur AS (
       SELECT "repository", "digest", "pushedAt", "since" FROM "InventoryTag"
       WHERE "environment" = $1 AND "repository" = ANY($2::text[])
     ), byrepo AS (
       SELECT "repository", count(*)::int AS "tagCount", max(coalesce("pushedAt", "since")) AS "lastPush", bool_and("pushedAt" IS NOT NULL) AS "allPushed"
       FROM cur GROUP BY "repository"
     ), bydigest AS (
       SELECT d."repository", coalesce(sum(m."size"), 0)::bigint AS size, count(*)::int AS digests, count(s."digest")::int AS scanned,
              coalesce(sum(s."critical"), 0)::int AS critical, coalesce(sum(s."high"), 0)::int AS high
       FROM (SELECT DISTINCT "repository", "digest" FROM cur) AS d
       LEFT JOIN "InventoryManifest" AS m ON m."digest" = d."digest"
       LEFT JOIN "InventoryScan" AS s ON s."digest" = d."digest"
       GROUP BY d."repository"
     )
     SELECT r."repository", r."tagCount", r."lastPush", r."allPushed", b.size, b.digests, b.scanned, b.critical, b.high
     FROM byrepo AS r JOIN bydigest AS b ON b."repository" = r."repository"`,
    q.environment,
    [...q.repositories],
  );
  for (const r of rows) {
    out.set(r.repository, {
      repository: r.repository,
      tagCount: r.tagCount,
      size: Number(r.size),
      lastPush: new Date(r.lastPush),
      lastPushSource: r.allPushed ? "registry" : "first-seen",
      digests: r.digests,
      scanned: r.scanned,
      critical: r.critical,
      high: r.high,
    });
  }
  return out;
}
