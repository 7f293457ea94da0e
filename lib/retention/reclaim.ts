/**
 * What a plan really frees, shared layers counted once (issue "Retention"). A registry frees a blob
 * (a layer, a config, a manifest's own bytes) only when no manifest left references it, so:
 *
 * - a blob counts only if every manifest of the environment that references it is deleted by the
 *   plan; one that a kept manifest (any repository of the environment) also references is not freed;
 * - a blob several deleted manifests share counts once, attributed to the FIRST item in plan order
 *   (repository, tag, digest) whose manifest references it. Attribution makes the figures add up:
 *   an item's `reclaimed` + … = its repository's figure, the repositories' figures = the plan's;
 * - deleting an index frees its children's blobs as far as those children go with it: a child
 *   that a kept index or a tag still names is kept, and frees nothing.
 *
 * Manifests indexed before blob lists were kept (InventoryManifest.blobs is null) count at their
 * full size when deleted, and when kept may share layers unseen: the figure is then an upper bound,
 * and says so. The environment is the horizon: another environment on the same registry that uses
 * a layer keeps it too, which this figure does not see.
 *
 * This file is pure: which digests are deleted and kept (reclaimSets), and the per-item figures from
 * the per-rank sums that reclaim-load.ts gets from the database in one query (attributeReclaim).
 */
import type { PlanInput } from "./plan";
import type { PlanReclaim, RetentionPlanItem } from "./types";

export interface ReclaimSets {
  /** digest → rank: the position (in the plan's items) of the first item that frees it; none of these is kept */
  deleted: Map<string, number>;
  /** every digest a manifest the plan keeps has (an index's children included) */
  kept: Set<string>;
}

const key = (repository: string, digest: string) => `${repository}\u0000${digest}`;

export function reclaimSets(input: Pick<PlanInput, "tags" | "untagged" | "referrers" | "manifests">, items: readonly Pick<RetentionPlanItem, "repository" | "digest" | "deletesManifest">[]): ReclaimSets {
  // manifests are per repository: the same digest may go in one repository and stay in another
  const deletedRoots = new Map<string, { repository: string; digest: string; rank: number }>();
  items.forEach((i, rank) => {
    const k = key(i.repository, i.digest);
    if (i.deletesManifest && !deletedRoots.has(k)) deletedRoots.set(k, { repository: i.repository, digest: i.digest, rank });
  });

  // kept: every manifest the environment holds that the plan does not delete, then their children
  // (an index's child stays while the index does, even where the plan lists the child itself)
  const keptInstances = new Set<string>();
  const kept = new Set<string>();
  const stack: [string, string][] = [];
  const hold = (repository: string, digest: string) => {
    if (!deletedRoots.has(key(repository, digest))) stack.push([repository, digest]);
  };
  for (const t of input.tags) hold(t.repository, t.digest);
  for (const u of input.untagged) hold(u.repository, u.digest);
  for (const r of input.referrers) hold(r.repository, r.referrer);
  while (stack.length) {
    const [repository, digest] = stack.pop()!;
    const k = key(repository, digest);
    if (keptInstances.has(k)) continue; // also ends a hostile index that lists itself
    keptInstances.add(k);
    kept.add(digest);
    for (const child of input.manifests.get(digest)?.children ?? []) stack.push([repository, child]);
  }

  // deleted: what the items delete, and the children of a deleted index that nothing kept names;
  // roots in rank order, each walked to the end, so a manifest's first visit is by its lowest rank
  const deleted = new Map<string, number>();
  const visited = new Set<string>();
  for (const root of deletedRoots.values()) {
    const walk: [string, string][] = [[root.repository, root.digest]];
    while (walk.length) {
      const [repository, digest] = walk.pop()!;
      const k = key(repository, digest);
      if (keptInstances.has(k) || visited.has(k)) continue;
      visited.add(k);
      if (!deleted.has(digest)) deleted.set(digest, root.rank);
      for (const child of input.manifests.get(digest)?.children ?? []) walk.push([repository, child]);
    }
  }
  // a digest kept in another repository keeps its blobs (its own bytes too): it frees nothing
  for (const d of kept) deleted.delete(d);
  return { deleted, kept };
}

/** One row of reclaim-load.ts: the bytes freed at `rank`, and whether they are a full size for want of a blob list. */
export interface RankBytes {
  rank: number;
  bytes: number;
  /** a deleted manifest without a blob list, counted at its full size */
  fallback: boolean;
}

/** The items with their `reclaimed` share, and the plan's total; `keptWithoutBlobs` kept manifests have no blob list. */
export function attributeReclaim<T extends RetentionPlanItem>(items: readonly T[], rows: readonly RankBytes[], keptWithoutBlobs: number): { items: T[]; reclaim: PlanReclaim } {
  const bytes = new Map<number, number>();
  const fallback = new Set<number>();
  for (const r of rows) {
    bytes.set(r.rank, (bytes.get(r.rank) ?? 0) + r.bytes);
    if (r.fallback) fallback.add(r.rank);
  }
  let total = 0;
  let deletedWithoutBlobs = 0;
  for (const r of rows) if (r.fallback) deletedWithoutBlobs++;
  const out = items.map((item, rank) => {
    const reclaimed = bytes.get(rank) ?? 0;
    total += reclaimed;
    return { ...item, reclaimed, ...(fallback.has(rank) ? { reclaimedUpperBound: true } : {}) };
  });
  return { items: out, reclaim: { bytes: total, upperBound: deletedWithoutBlobs > 0 || keptWithoutBlobs > 0, deletedWithoutBlobs, keptWithoutBlobs } };
}
