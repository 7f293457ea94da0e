/**
 * The drift matrix, read from the inventory index: every repository:tag with the digest each
 * environment holds. Repositories are compared by their name inside each environment's namespace, so
 * dev/app:1.2 on one registry and prod/app:1.2 on another are the same row. Tags that should have been
 * promoted unchanged but point at different digests are the drift the seeds' tag-consistency check
 * looks for.
 *
 * The counting, filtering and paging run in SQL: with hundreds of thousands of tags per environment,
 * only the page's rows ever reach this process. A caller who sees every environment reads the keys the
 * database keeps on write (InventoryDriftKey); a role scoped to some environments groups their tags. Only environments the caller
 * may see take part, so a dev-only viewer's matrix has no prod column and no prod-only rows.
 */
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import type { VisibleEnvironments } from "@/lib/inventory/index/reads";
import { syncStatusRows, type SyncStatusState } from "@/lib/inventory/index/status";

export interface DriftCell {
  digest: string;
  /** full repository name on the environment's registry */
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
  /** the digest most environments hold (on a tie, the one of the first environment in order) */
  majority: string;
}

export interface DriftEnvironment {
  name: string;
  registry: string;
  registryKind: string;
  namespace: string;
  /** the environment's latest successful sync (full or incremental): what its column shows */
  asOf: Date | null;
  /** the last sync failed: the column is older than it looks */
  stale: { since: Date; error: string | null } | null;
  state: SyncStatusState;
}

/**
 * shared: tags held by two or more environments (the default); differs: of those, the ones whose
 * digests differ; missing: tags some indexed environment lacks; all: every tag anywhere.
 */
export type DriftShow = "shared" | "differs" | "missing" | "all";

export interface DriftQuery {
  show?: DriftShow;
  /** case-insensitive substring of the relative repository name or the tag */
  filter?: string;
  /** 1-based */
  page?: number;
  pageSize?: number;
}

export interface DriftMatrix {
  environments: DriftEnvironment[];
  rows: DriftRow[];
  /** tags held by two or more visible environments */
  shared: number;
  /** of those, tags whose digests differ */
  mismatches: number;
  /** rows matching the query, over all pages */
  matching: number;
  page: number;
  pageCount: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface SqlRow {
  shared: number;
  mismatches: number;
  matching: number;
  rel: string | null;
  tag: string | null;
  environment: string | null;
  repository: string | null;
  digest: string | null;
}

export async function driftMatrix(prisma: PrismaClient, visible: VisibleEnvironments, q: DriftQuery = {}): Promise<DriftMatrix> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 100, 1), 500);
  const page = Math.max(q.page ?? 1, 1);
  const environments = await driftEnvironments(prisma, visible);
  const empty = { environments, rows: [], shared: 0, mismatches: 0, matching: 0, page, pageCount: 0 };
  if (environments.length === 0) return empty;
  const names = environments.map((e) => e.name);
  // "missing" compares with the environments the index has read: one never synced lacks nothing yet
  const indexed = environments.filter((e) => e.state !== "never").length;
  const show = q.show ?? "shared";
  const conditions = [
    show === "shared" ? Prisma.sql`holders > 1` : show === "differs" ? Prisma.sql`differs` : show === "missing" ? Prisma.sql`holders < ${indexed}` : Prisma.sql`TRUE`,
  ];
  const filter = q.filter?.trim();
  if (filter) {
    const like = `%${escapeLike(filter)}%`;
    conditions.push(Prisma.sql`(rel ILIKE ${like} ESCAPE '\\' OR "tag" ILIKE ${like} ESCAPE '\\')`);
  }
  const match = Prisma.join(conditions, " AND ");
  const rows = (await coversEveryEnvironment(prisma, names)) ? await summaryPage(prisma, names, match, page, pageSize) : await groupedPage(prisma, names, match, page, pageSize);
  const first = rows[0];
  if (!first) return empty;
  const byKey = new Map<string, DriftRow>();
  for (const r of rows) {
    if (r.rel === null || r.tag === null) continue;
    const key = `${r.rel}\u0000${r.tag}`;
    const row = byKey.get(key) ?? { repository: r.rel, tag: r.tag, cells: {}, consistent: true, variants: 0, majority: "" };
    if (r.environment && r.repository && r.digest) row.cells[r.environment] = { digest: r.digest, repository: r.repository };
    byKey.set(key, row);
  }
  const out = [...byKey.values()].map((row) => withVerdict(row, names));
  return { environments, rows: out, shared: first.shared, mismatches: first.mismatches, matching: first.matching, page, pageCount: Math.ceil(first.matching / pageSize) };
}

/** Whether the caller sees every environment: then the kept summary (InventoryDriftKey) answers. */
async function coversEveryEnvironment(prisma: PrismaClient, names: readonly string[]): Promise<boolean> {
  const all = await prisma.environment.count();
  return names.length === all;
}

/**
 * The matrix from InventoryDriftKey (migration 20261130099000): one row per relative repository + tag,
 * kept on write, so a view of every environment counts 100,000 keys and reads its page by index
 * instead of grouping 300,000 tags. The keys recorded since the last view are folded in first.
 */
async function summaryPage(prisma: PrismaClient, names: readonly string[], match: Prisma.Sql, page: number, pageSize: number): Promise<SqlRow[]> {
  await prisma.$queryRaw`SELECT "inventory_drift_fold"()`;
  // no shared CTE: PostgreSQL would materialize one used twice, and the page could no longer walk the
  // page-order index and stop after its rows
  return prisma.$queryRaw<SqlRow[]>`
    WITH totals AS (
      SELECT count(*) FILTER (WHERE holders > 1)::int AS shared,
             count(*) FILTER (WHERE differs)::int AS mismatches,
             count(*) FILTER (WHERE ${match})::int AS matching
      FROM (SELECT k."relative" AS rel, k."tag", k."holders" AS holders, k."differs" AS differs FROM "InventoryDriftKey" k) keys
    ), page AS (
      SELECT rel, "tag", differs
      FROM (SELECT k."relative" AS rel, k."tag", k."holders" AS holders, k."differs" AS differs FROM "InventoryDriftKey" k) keys
      WHERE ${match}
      ORDER BY differs DESC, rel COLLATE "C", "tag" COLLATE "C" LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
    )
    ${pageWithCells(names)}`;
}

/**
 * The tail both statements share: the totals, and each row of the page (CTE `page`) with the cells of
 * the given environments, looked up on the (relative, tag) index; the LEFT JOINs keep the totals when
 * the page is empty.
 */
function pageWithCells(names: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT totals.shared, totals.mismatches, totals.matching, page.rel, page."tag", c."environment", c."repository", c."digest"
    FROM totals
    LEFT JOIN page ON TRUE
    LEFT JOIN LATERAL (
      SELECT t."environment", t."repository", t."digest" FROM "InventoryTag" t
      WHERE t."relative" = page.rel AND t."tag" = page."tag" AND t."environment" IN (${Prisma.join(names)})
    ) c ON TRUE
    ORDER BY page.differs DESC, page.rel COLLATE "C", page."tag" COLLATE "C"`;
}

/** The matrix of a subset of environments (a role scoped to some): grouped from the tags themselves. */
async function groupedPage(prisma: PrismaClient, names: readonly string[], match: Prisma.Sql, page: number, pageSize: number): Promise<SqlRow[]> {
  // keys: one row per relative repository + tag, with how many environments hold it and whether
  // their digests differ (min <> max: cheaper than counting distinct digests). "relative" is the name
  // inside the environment's namespace, stored by a trigger (migration 20261130080000; NULL outside
  // it), so the grouping reads the (relative, tag) index in order. The page's cells are then looked up
  // on the same index; the LEFT JOINs keep the totals when the page is empty.
  const statement = prisma.$queryRaw<SqlRow[]>`
    WITH keys AS MATERIALIZED (
      SELECT t."relative" AS rel, t."tag", count(*)::int AS holders,
             min(t."digest" COLLATE "C") <> max(t."digest" COLLATE "C") AS differs
      FROM "InventoryTag" t
      WHERE t."relative" IS NOT NULL AND t."environment" IN (${Prisma.join(names)})
      GROUP BY 1, 2
    ), totals AS (
      SELECT count(*) FILTER (WHERE holders > 1)::int AS shared,
             count(*) FILTER (WHERE differs)::int AS mismatches,
             count(*) FILTER (WHERE ${match})::int AS matching
      FROM keys
    ), page AS (
      SELECT rel, "tag", differs FROM keys WHERE ${match}
      ORDER BY differs DESC, rel COLLATE "C", "tag" COLLATE "C" LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
    )
    ${pageWithCells(names)}`;
  // the sorts hold one entry per tag in memory: with the default 4 MB they would spill to disk. The
  // (relative, tag) index hands the rows over already grouped, so a streaming group aggregate beats
  // hashing 300,000 rows (about 150 ms against 650 ms at 100,000 tags × 3), but the planner, which
  // underestimates the distinct keys, picks the hash unless told not to.
  const [, , rows] = await prisma.$transaction([prisma.$executeRaw`SET LOCAL work_mem = '64MB'`, prisma.$executeRaw`SET LOCAL enable_hashagg = off`, statement]);
  return rows;
}

/** Variants and majority of one page row, its cells in the environments' order (a tie goes to the earliest). */
function withVerdict(row: DriftRow, order: readonly string[]): DriftRow {
  const counts = new Map<string, number>();
  const cells: Record<string, DriftCell> = {};
  for (const env of order) {
    const c = row.cells[env];
    if (!c) continue;
    cells[env] = c;
    counts.set(c.digest, (counts.get(c.digest) ?? 0) + 1);
  }
  let majority = "";
  for (const [digest, n] of counts) if (n > (counts.get(majority) ?? 0)) majority = digest;
  return { ...row, cells, variants: counts.size, majority, consistent: counts.size <= 1 };
}

/** The visible environments in order, each with how current its index is. */
async function driftEnvironments(prisma: PrismaClient, visible: VisibleEnvironments): Promise<DriftEnvironment[]> {
  if (visible !== "all" && visible.length === 0) return [];
  const [envs, status] = await Promise.all([
    prisma.environment.findMany({ where: visible === "all" ? {} : { name: { in: [...visible] } }, select: { name: true, namespace: true, registry: { select: { name: true, kind: true } } }, orderBy: { order: "asc" } }),
    syncStatusRows(prisma, visible),
  ]);
  const byName = new Map(status.map((s) => [s.environment, s]));
  return envs.map((e) => {
    const s = byName.get(e.name);
    return { name: e.name, registry: e.registry.name, registryKind: e.registry.kind, namespace: e.namespace, asOf: s?.asOf ?? null, stale: s?.stale ?? null, state: s?.state ?? "never" };
  });
}
