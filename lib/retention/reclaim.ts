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

/** (repository, digest) pairs, a set per repository: no key string built per pair (100,000 of them per plan) */
class PairSet {
  private readonly byRepo = new Map<string, Set<string>>();
  has(repository: string, digest: string): boolean {
    return this.byRepo.get(repository)?.has(digest) === true;
  }
  /** false when it was there already */
  add(repository: string, digest: string): boolean {
    const s = this.byRepo.get(repository);
    if (!s) {
      this.byRepo.set(repository, new Set([digest]));
      return true;
    }
    if (s.has(digest)) return false;
    s.add(digest);
    return true;
  }
}

export function reclaimSets(input: Pick<PlanInput, "tags" | "untagged" | "referrers" | "manifests">, items: readonly Pick<RetentionPlanItem, "repository" | "digest" | "deletesManifest">[]): ReclaimSets {
  // manifests are per repository: the same digest may go in one repository and stay in another
  const deletedRoots = new PairSet();
  const roots: { repository: string; digest: string; rank: number }[] = [];
  items.forEach((i, rank) => {
    if (i.deletesManifest && deletedRoots.add(i.repository, i.digest)) roots.push({ repository: i.repository, digest: i.digest, rank });
  });

  // kept: every manifest the environment holds that the plan does not delete, then their children
  // (an index's child stays while the index does, even where the plan lists the child itself)
  const keptInstances = new PairSet();
  const kept = new Set<string>();
  // a stack, not recursion: a hostile registry's chain of nested indexes cannot overflow it
  const keep = (repository: string, digest: string) => {
    const stack = [digest];
    while (stack.length) {
      const d = stack.pop()!;
      if (!keptInstances.add(repository, d)) continue; // also ends a hostile index that lists itself
      kept.add(d);
      const children = input.manifests.get(d)?.children;
      if (children) for (const c of children) stack.push(c);
    }
  };
  const hold = (repository: string, digest: string) => {
    if (!deletedRoots.has(repository, digest)) keep(repository, digest);
  };
  for (const t of input.tags) hold(t.repository, t.digest);
  for (const u of input.untagged) hold(u.repository, u.digest);
  for (const r of input.referrers) hold(r.repository, r.referrer);

  // deleted: what the items delete, and the children of a deleted index that nothing kept names;
  // roots in rank order, each walked to the end, so a manifest's first visit is by its lowest rank
  const deleted = new Map<string, number>();
  const visited = new PairSet();
  const drop = (repository: string, digest: string, rank: number) => {
    const stack = [digest];
    while (stack.length) {
      const d = stack.pop()!;
      if (keptInstances.has(repository, d) || !visited.add(repository, d)) continue;
      if (!deleted.has(d)) deleted.set(d, rank);
      const children = input.manifests.get(d)?.children;
      if (children) for (const c of children) stack.push(c);
    }
  };
  for (const root of roots) drop(root.repository, root.digest, root.rank);
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
  const bytes = new Float64Array(items.length);
  const fallback = new Uint8Array(items.length);
  let deletedWithoutBlobs = 0;
  for (const r of rows) {
    if (r.rank < 0 || r.rank >= items.length) continue;
    bytes[r.rank] = bytes[r.rank]! + r.bytes;
    if (r.fallback) {
      fallback[r.rank] = 1;
      deletedWithoutBlobs++;
    }
  }
  let total = 0;
  const out = items.map((item, rank) => {
    total += bytes[rank]!;
    return fallback[rank] ? { ...item, reclaimed: bytes[rank]!, reclaimedUpperBound: true } : { ...item, reclaimed: bytes[rank]! };
  });
  return { items: out, reclaim: { bytes: total, upperBound: deletedWithoutBlobs > 0 || keptWithoutBlobs > 0, deletedWithoutBlobs, keptWithoutBlobs } };
}
