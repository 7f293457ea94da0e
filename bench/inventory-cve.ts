/**
 * Issue #11: "where is CVE-X" over the index. The index is seeded with SQL (generate_series, not row by
 * row) into a migrated database, then ANALYZEd:
 * - PostgreSQL: 1,000,000 vulnerability occurrences (20,000 scanned digests × 50), 100,000 tags in
 *   three environments pointing at them (5 tags per digest), a pool of 20,000 CVE ids (≈ 50 digests
 *   and 250 tags per CVE);
 * - PGlite: the same shape at 10,000 tags (2,000 digests, 100,000 occurrences).
 * Then whereIsCve (the one SQL query the CVE page and its API use) for 200 random CVE ids after a
 * warm-up, for a caller who sees every environment and for one who sees two, and the search box's CVE
 * prefix search. Times are the query's server time through the Prisma client, without HTML.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase, type Database } from "../lib/db/open";
import { searchIndex } from "../lib/inventory/index/search";
import { whereIsCve } from "../lib/inventory/index/vulnerabilities";
import { createEmptyPostgres } from "../test/support/db";
import { log, markdownTable, ms, percentile, round, verdict, type BenchResult } from "./stats";

const OCCURRENCES_PER_DIGEST = 50;
const TAGS_PER_DIGEST = 5;
const CVE_POOL = 20_000;
const WARMUP = 20;
const QUERIES = 200;

interface Scale {
  kind: "postgres" | "pglite";
  digests: number;
}

interface CveRun {
  kind: Scale["kind"];
  occurrences: number;
  tags: number;
  seedMs: number;
  meanHits: number;
  allP50: number;
  allP95: number;
  scopedP95: number;
  searchP95: number;
}

const cveOf = (n: number) => `CVE-2024-${String(n).padStart(5, "0")}`;

/** Everything in SQL: the database generates the rows itself, so seeding a million costs seconds. */
async function seed(db: Database, digests: number): Promise<void> {
  const digest = (col: string) => `'sha256:' || lpad(to_hex(${col}), 64, '0')`;
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO "InventoryTag" ("environment", "repository", "tag", "digest", "since", "seenAt")
    SELECT (ARRAY['dev','test','prod'])[1 + g % 3], 'team/repo-' || (g / 10), 'v' || g, ${digest(`(g % ${digests})`)}, now(), now()
    FROM generate_series(0, ${digests * TAGS_PER_DIGEST - 1}) g`);
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO "InventoryScan" ("digest", "origin", "registry", "scanner", "scannedAt", "critical", "high", "fixable", "fixableBySeverity")
    SELECT ${digest("d")}, 'registry', 'bench', 'Trivy 0.50', now(), 5, 20, 25, '{}'::jsonb FROM generate_series(0, ${digests - 1}) d`);
  // occurrence g: digest g % digests, CVE (g * 7919) % pool: every CVE spread over many digests
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO "InventoryVulnerability" ("digest", "cve", "package", "installedVersion", "fixedVersion", "severity")
    SELECT ${digest(`(g % ${digests})`)}, 'CVE-2024-' || lpad(((g::bigint * 7919) % ${CVE_POOL})::text, 5, '0'), 'pkg-' || (g % 997), '1.0.' || (g % 13), CASE WHEN g % 2 = 0 THEN '1.1.0' END,
           (ARRAY['critical','high','medium','low'])[1 + g % 4]
    FROM generate_series(0, ${digests * OCCURRENCES_PER_DIGEST - 1}) g`);
  await db.prisma.$executeRawUnsafe(`ANALYZE "InventoryTag"`);
  await db.prisma.$executeRawUnsafe(`ANALYZE "InventoryScan"`);
  await db.prisma.$executeRawUnsafe(`ANALYZE "InventoryVulnerability"`);
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function runOn(scale: Scale): Promise<CveRun> {
  let pg: Awaited<ReturnType<typeof createEmptyPostgres>> | undefined;
  let dir: string | undefined;
  let db: Database | undefined;
  try {
    if (scale.kind === "postgres") {
      pg = await createEmptyPostgres();
      db = await openDatabase({ url: pg.url, migrate: true });
    } else {
      dir = await mkdtemp(path.join(tmpdir(), "dm-bench-cve-"));
      db = await openDatabase({ dataDir: dir, migrate: true });
    }
    const occurrences = scale.digests * OCCURRENCES_PER_DIGEST;
    log(`inventory-cve ${scale.kind}: seeding ${occurrences.toLocaleString("en")} occurrences, ${(scale.digests * TAGS_PER_DIGEST).toLocaleString("en")} tags`);
    const t0 = performance.now();
    await seed(db, scale.digests);
    const seedMs = performance.now() - t0;
    const prisma = db.prisma;
    const pick = (i: number) => cveOf((i * 104_729) % CVE_POOL);
    await timed(WARMUP, (i) => whereIsCve(prisma, "all", pick(i + 1000)));
    let hits = 0;
    const all = await timed(QUERIES, async (i) => (hits += (await whereIsCve(prisma, "all", pick(i))).length));
    const scoped = await timed(QUERIES, (i) => whereIsCve(prisma, ["dev", "test"], pick(i + 500)));
    await timed(WARMUP, (i) => searchIndex(prisma, "all", pick(i + 3000).slice(0, 13)));
    const search = await timed(QUERIES, (i) => searchIndex(prisma, "all", pick(i + 2000).slice(0, 13)));
    return {
      kind: scale.kind,
      occurrences,
      tags: scale.digests * TAGS_PER_DIGEST,
      seedMs,
      meanHits: hits / QUERIES,
      allP50: percentile(all, 50),
      allP95: percentile(all, 95),
      scopedP95: percentile(scoped, 95),
      searchP95: percentile(search, 95),
    };
  } finally {
    await db?.close();
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export async function benchInventoryCve(): Promise<BenchResult> {
  const runs: CveRun[] = [];
  for (const scale of [{ kind: "postgres", digests: 20_000 }, { kind: "pglite", digests: 2_000 }] as const) runs.push(await runOn(scale));
  const rows = runs.flatMap((r) => [
    [r.kind, `where is CVE-X over ${r.occurrences.toLocaleString("en")} occurrences, ${r.tags.toLocaleString("en")} tags: p50 / p95 (≈ ${round(r.meanHits)} rows each)`, `${ms(r.allP50)} / ${ms(r.allP95)}`, "p95 ≤ 100 ms", verdict(r.allP95, 100)],
    [r.kind, "the same for a caller who sees two of three environments: p95", ms(r.scopedP95), "p95 ≤ 100 ms", verdict(r.scopedP95, 100)],
    [r.kind, "search box with a CVE id prefix (all five kinds of search): p95", ms(r.searchP95), "p95 ≤ 50 ms", verdict(r.searchP95, 50)],
    [r.kind, "seeding with generate_series (+ ANALYZE)", ms(r.seedMs), "—", ""],
  ]);
  const figures: Record<string, number> = {};
  for (const r of runs) {
    Object.assign(figures, {
      [`${r.kind}_cve_occurrences`]: r.occurrences,
      [`${r.kind}_cve_p95_ms`]: round(r.allP95, 2),
      [`${r.kind}_cve_scoped_p95_ms`]: round(r.scopedP95, 2),
      [`${r.kind}_cve_search_p95_ms`]: round(r.searchP95, 2),
    });
  }
  return {
    title: "Inventory index: where is CVE-X (1,000,000 occurrences on PostgreSQL, 100,000 on PGlite)",
    table: markdownTable(["database", "what", "measured", "target", "verdict"], rows),
    figures,
    notes: [
      `Seeded in SQL: ${OCCURRENCES_PER_DIGEST} occurrences per scanned digest, ${TAGS_PER_DIGEST} tags per digest over dev/test/prod, CVE ids from a pool of ${CVE_POOL.toLocaleString("en")}; ${WARMUP} warm-up queries, then ${QUERIES} timed ones with other ids.`,
      "Measured: whereIsCve (lib/inventory/index/vulnerabilities.ts), the single query behind /inventory/cve/[id], through the Prisma client in this process; page rendering is not included.",
      "PGlite runs file-backed as the app does, in this process; the scale is the issue's 'PGlite at 10,000 tags'.",
    ],
  };
}
