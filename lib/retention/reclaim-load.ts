/**
 * The database half of reclaim.ts: ONE query over the blob lists of the plan's deleted and kept
 * manifests (InventoryManifest.blobs), summed per rank in SQL, so 100,000 manifests' layer lists are
 * never sent to the app (loading them all costs about a second at that size; the sums cost tens of
 * rows per repository). Reads only: like the rest of planning it reaches no registry.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ComputedPlan, PlanInput } from "./plan";
import { attributeReclaim, reclaimSets, type RankBytes, type ReclaimSets } from "./reclaim";

type Db = Pick<PrismaClient, "$transaction">;

/**
 * The OCI digest grammar: no space, so the space-joined parameter splits back exactly. A tag's digest
 * comes from the registry; one that is not a digest has no manifest row to join anyway.
 */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * One pass: the deleted manifests (with their rank) and the kept ones (rank -1, null here) are joined to
 * their rows once, their blob lists expanded, and grouped by blob: a blob any kept manifest
 * references is not freed; the others count once, at the lowest rank that frees them, summed per
 * rank. Manifests without a list: a deleted one counts its full size (fallback), the kept ones are
 * counted. One row of arrays comes back, not a row per rank: tens of thousands of rows cost the
 * client more than the arrays (each pair of arrays in the same order, so they line up).
 */
const RECLAIM_SQL = `
WITH x AS (SELECT x.d, nullif(x.r, -1) AS r FROM unnest(string_to_array($1, ' '), string_to_array($2, ' ')::int[]) AS x(d, r)),
blob AS (
  SELECT e.value->>0 AS b, min((e.value->>1)::bigint) AS s, min(x.r) AS r, bool_or(x.r IS NULL) AS kept
  FROM x JOIN "InventoryManifest" m ON m."digest" = x.d CROSS JOIN LATERAL jsonb_array_elements(m."blobs") AS e
  GROUP BY 1
),
freed AS (SELECT r, sum(s) AS bytes FROM blob WHERE NOT kept GROUP BY r),
unlisted AS (SELECT x.r, m."size" FROM x JOIN "InventoryManifest" m ON m."digest" = x.d WHERE m."blobs" IS NULL)
SELECT
  (SELECT coalesce(array_agg(r ORDER BY r), '{}') FROM freed) AS "freedRanks",
  (SELECT coalesce(array_agg(bytes::text ORDER BY r), '{}') FROM freed) AS "freedBytes",
  (SELECT coalesce(array_agg(r ORDER BY r, "size"), '{}') FROM unlisted WHERE r IS NOT NULL) AS "fallbackRanks",
  (SELECT coalesce(array_agg("size"::text ORDER BY r, "size"), '{}') FROM unlisted WHERE r IS NOT NULL) AS "fallbackBytes",
  (SELECT count(*)::int FROM unlisted WHERE r IS NULL) AS "keptWithoutBlobs"`;

interface ReclaimRow {
  freedRanks: number[];
  freedBytes: string[];
  fallbackRanks: number[];
  fallbackBytes: string[];
  keptWithoutBlobs: number;
}

async function loadReclaim(db: Db, sets: ReclaimSets): Promise<{ rows: RankBytes[]; keptWithoutBlobs: number }> {
  const deleted = [...sets.deleted];
  if (!deleted.length) return { rows: [], keptWithoutBlobs: 0 }; // nothing freed: nothing to be unsure about
  // a hundred thousand manifests' lists are about a million blob rows: hashed in memory rather than
  // spilled to disk (the default 4 MB work_mem), and without JIT, which the row estimates of
  // jsonb_array_elements trigger for a second of compiling
  const [row] = await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`);
      await tx.$executeRawUnsafe(`SET LOCAL jit = off`);
      // two strings rather than two arrays of 100,000 elements: parameters pass the client's query
      // interpreter value by value, one string costs nothing there (digests hold no spaces)
      const pairs: [string, number][] = [...deleted, ...Array.from(sets.kept, (d): [string, number] => [d, -1])].filter(([d]) => DIGEST.test(d));
      const digests = pairs.map(([d]) => d).join(" ");
      const ranks = pairs.map(([, r]) => r).join(" ");
      return tx.$queryRawUnsafe<ReclaimRow[]>(RECLAIM_SQL, digests, ranks);
    },
    { timeout: 60_000 },
  );
  const rows: RankBytes[] = [];
  if (!row) return { rows, keptWithoutBlobs: 0 };
  row.freedRanks.forEach((rank, i) => rows.push({ rank: Number(rank), bytes: Number(row.freedBytes[i]), fallback: false }));
  row.fallbackRanks.forEach((rank, i) => rows.push({ rank: Number(rank), bytes: Number(row.fallbackBytes[i]), fallback: true }));
  return { rows, keptWithoutBlobs: Number(row.keptWithoutBlobs) };
}

/** The computed plan with each item's `reclaimed` share and the plan's `reclaim` total (reclaim.ts). */
export async function withReclaim(db: Db, input: PlanInput, plan: ComputedPlan): Promise<ComputedPlan> {
  const { rows, keptWithoutBlobs } = await loadReclaim(db, reclaimSets(input, plan.items));
  const { items, reclaim } = attributeReclaim(plan.items, rows, keptWithoutBlobs);
  return { ...plan, items, reclaim };
}
