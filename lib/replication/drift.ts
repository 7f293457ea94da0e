/**
 * The drift matrix: every repository:tag present in more than one environment, with the digest each
 * environment holds. Repositories are compared by their name inside each environment's namespace, so
 * dev/app:1.2 on one registry and prod/app:1.2 on another are the same row. Tags that should have been
 * promoted unchanged but point at different digests are the drift the seeds' tag-consistency check
 * looks for.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { environmentInventories, type InventoryLimits } from "@/lib/browse/environment-artifacts";

export interface DriftCell {
  digest: string;
  repository: string;
}

export interface DriftRow {
  /** repository inside the namespace, e.g. "app" */
  repository: string;
  tag: string;
  /** environment name → what it holds (absent: the tag is not there) */
  cells: Record<string, DriftCell>;
  /** true when every environment holding the tag holds the same digest */
  consistent: boolean;
  /** how many distinct digests */
  variants: number;
  /** the digest most environments hold (on a tie, the first of them in `cells`) */
  majority: string;
}

export interface DriftMatrix {
  environments: Array<{ name: string; registry: string; registryKind: string; namespace: string; error?: string; truncated: boolean }>;
  rows: DriftRow[];
  mismatches: number;
}

export async function driftMatrix(prisma: PrismaClient, limits: InventoryLimits = {}): Promise<DriftMatrix> {
  const inventories = await environmentInventories(prisma, limits);
  const rows = new Map<string, DriftRow>();
  for (const inv of inventories) {
    for (const a of inv.artifacts) {
      const key = `${a.relative}:${a.tag}`;
      const row = rows.get(key) ?? { repository: a.relative, tag: a.tag, cells: {}, consistent: true, variants: 0, majority: "" };
      row.cells[inv.environment.name] = { digest: a.digest, repository: a.repository };
      rows.set(key, row);
    }
  }
  const shared = [...rows.values()].filter((r) => Object.keys(r.cells).length > 1);
  for (const r of shared) {
    const counts = new Map<string, number>();
    for (const c of Object.values(r.cells)) counts.set(c.digest, (counts.get(c.digest) ?? 0) + 1);
    r.variants = counts.size;
    r.majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
    r.consistent = r.variants === 1;
  }
  // mismatches first: they are what the page is for
  shared.sort((a, b) => Number(a.consistent) - Number(b.consistent) || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag, undefined, { numeric: true }));
  return {
    environments: inventories.map((i) => ({ ...i.environment, truncated: i.truncated, ...(i.error ? { error: i.error.message } : {}) })),
    rows: shared,
    mismatches: shared.filter((r) => !r.consistent).length,
  };
}
