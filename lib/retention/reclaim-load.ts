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

/** rank of the row that counts the kept manifests without a blob list */
const KEPT_WITHOUT_BLOBS = -1;

/**
 * One pass: the deleted manifests (with their rank) and the kept ones (rank null) are joined to
 * their rows once, their blob lists expanded, and grouped by blob: a blob any kept manifest
 * references is not freed; the others count once, at the lowest rank that frees them, summed per
 * rank. Manifests without a list: a deleted one counts its full size (fallback), the kept ones are
 * counted (rank -1). No join of the blob rows, no sort: one hash aggregate, then tens of thousands
 * of ranks at most.
 */
export const RECLAIM_SQL = `
WITH x AS (SELECT x.d, x.r FROM unnest($1::text[], $2::int[]) AS x(d, r)),
blob AS (
  SELECT e.value->>0 AS b, min((e.value->>1)::bigint) AS s, min(x.r) AS r, bool_or(x.r IS NULL) AS kept
  FROM x JOIN "InventoryManifest" m ON m."digest" = x.d CROSS JOIN LATERAL jsonb_array_elements(m."blobs") AS e
  GROUP BY 1
)
SELECT r, sum(s)::bigint AS bytes, false AS fallback FROM blob WHERE NOT kept GROUP BY r
UNION ALL
SELECT coalesce(x.r, ${KEPT_WITHOUT_BLOBS}), sum(CASE WHEN x.r IS NULL THEN 1 ELSE m."size" END)::bigint, true
FROM x JOIN "InventoryManifest" m ON m."digest" = x.d WHERE m."blobs" IS NULL GROUP BY 1`;

export async function loadReclaim(db: Db, sets: ReclaimSets): Promise<{ rows: RankBytes[]; keptWithoutBlobs: number }> {
  const deleted = [...sets.deleted];
  if (!deleted.length) return { rows: [], keptWithoutBlobs: 0 }; // nothing freed: nothing to be unsure about
  // a hundred thousand manifests' lists are about a million blob rows: hashed in memory rather than
  // spilled to disk (the default 4 MB work_mem), and without JIT, which the row estimates of
  // jsonb_array_elements trigger for a second of compiling
  const raw = await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`);
    await tx.$executeRawUnsafe(`SET LOCAL jit = off`);
    return tx.$queryRawUnsafe<{ r: number; bytes: bigint | number | string; fallback: boolean }[]>(
      RECLAIM_SQL,
      [...deleted.map(([d]) => d), ...sets.kept],
      [...deleted.map(([, r]) => r), ...Array.from(sets.kept, () => null)],
    );
  }, { timeout: 60_000 });
  let keptWithoutBlobs = 0;
  const rows: RankBytes[] = [];
  for (const x of raw) {
    if (x.r === KEPT_WITHOUT_BLOBS) keptWithoutBlobs = Number(x.bytes);
    else rows.push({ rank: Number(x.r), bytes: Number(x.bytes), fallback: x.fallback });
  }
  return { rows, keptWithoutBlobs };
}

/** The computed plan with each item's `reclaimed` share and the plan's `reclaim` total (reclaim.ts). */
export async function withReclaim(db: Db, input: PlanInput, plan: ComputedPlan): Promise<ComputedPlan> {
  const { rows, keptWithoutBlobs } = await loadReclaim(db, reclaimSets(input, plan.items));
  const { items, reclaim } = attributeReclaim(plan.items, rows, keptWithoutBlobs);
  return { ...plan, items, reclaim };
}
