/**
 * Issue #11: the inventory index. A real docker-registry (storage on /dev/shm) is filled with
 * BENCH_INV_REPOS repositories × 10 tags, each tag its own small manifest, then for each database
 * (the machine's PostgreSQL and embedded PGlite):
 *  1. the bare minimum: the same client at the same concurrency makes exactly the requests the
 *     information needs — catalog pages, every tag list, one manifest GET per tag (all digests are
 *     distinct) — and keeps nothing;
 *  2. a full sync into an empty index (requests plus every row and tag event written), then the
 *     ratio to (1), and the process's peak RSS;
 *  3. a second full sync with nothing changed (HEADs only: manifests fetched must be 0);
 *  4. 1% new tags pushed, then an incremental sync, as a share of the full sync's time;
 *  5. tag history and digest-location reads, p50/p95 over 200 random tags after a warm-up.
 * The registry shares the machine's 2 cores with this process and the database.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase, type Database } from "../lib/db/open";
import { digestLocations, tagHistory } from "../lib/inventory/index/reads";
import { syncEnvironment, type SyncReport } from "../lib/inventory/index/sync";
import { createLimiter, createOciProvider, mapConcurrent, type RegistryProvider } from "../lib/registry";
import { createEmptyPostgres } from "../test/support/db";
import { buildImage } from "../test/harness/image-builder";
import { startRegistry, type RunningRegistry } from "../test/harness/registry";
import { bulkRepositoryName, pushImage } from "../test/harness/seed";
import { writeBulkStorage } from "../test/harness/storage-seed";
import { log, markdownTable, mb, ms, percentile, round, verdict, type BenchResult } from "./stats";

const REPOSITORIES = Number(process.env.BENCH_INV_REPOS ?? 1_000);
const TAGS_PER_REPO = 10;
const CONCURRENCY = 8;
const NAMESPACE = "inv";
const READS = 200;

interface DbRun {
  kind: "postgres" | "pglite";
  minimumMs: number;
  full: SyncReport;
  peakRssBytes: number;
  resync: SyncReport;
  incremental: SyncReport;
  historyP50: number;
  historyP95: number;
  locationsP50: number;
  locationsP95: number;
}

/** What the information costs at the least: the requests, nothing stored. */
async function bareMinimum(provider: RegistryProvider): Promise<number> {
  const started = performance.now();
  const repositories: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await provider.listRepositories({ pageSize: 1000, ...(cursor ? { cursor } : {}) });
    repositories.push(...page.items.filter((r) => r.startsWith(`${NAMESPACE}/`)));
    cursor = page.next;
  } while (cursor);
  // one shared gate, as the sync has: CONCURRENCY requests in flight in all
  const limit = createLimiter(CONCURRENCY);
  await Promise.all(
    repositories.map(async (repo) => {
      const tags = (await limit(() => provider.listTags(repo))).items;
      await Promise.all(tags.map((tag) => limit(() => provider.getManifest(repo, tag))));
    }),
  );
  return performance.now() - started;
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

async function timedReads(db: Database, tags: { repository: string; tag: string; digest: string }[]) {
  const history: number[] = [];
  const locations: number[] = [];
  for (let i = 0; i < READS + 20; i++) {
    const t = tags[(i * 7919) % tags.length]!;
    let started = performance.now();
    await tagHistory(db.prisma, "all", { environment: "dev", repository: t.repository, tag: t.tag });
    if (i >= 20) history.push(performance.now() - started);
    started = performance.now();
    await digestLocations(db.prisma, "all", t.digest);
    if (i >= 20) locations.push(performance.now() - started);
  }
  return { historyP50: percentile(history, 50), historyP95: percentile(history, 95), locationsP50: percentile(locations, 50), locationsP95: percentile(locations, 95) };
}

async function runOn(kind: DbRun["kind"], registry: RunningRegistry, seeder: RegistryProvider, round: number): Promise<DbRun> {
  const pg = kind === "postgres" ? await createEmptyPostgres() : null;
  // PGlite as the app runs it: file-backed (an in-memory PGlite would hold the whole index in RAM)
  const dir = pg ? null : await mkdtemp(path.join(tmpdir(), "dockmaster-bench-pglite-"));
  const db = await openDatabase(pg ? { url: pg.url } : { dataDir: dir! });
  const provider = createOciProvider({ name: `bench-${kind}`, url: registry.url, auth: { kind: "anonymous" } });
  try {
    const target = { environment: "dev", namespace: NAMESPACE, provider };
    log(`inventory[${kind}]: bare minimum`);
    const minimumMs = await bareMinimum(provider);
    log(`inventory[${kind}]: full sync`);
    const rss = rssSampler();
    const full = await syncEnvironment(db.prisma, target, { mode: "full", concurrency: CONCURRENCY });
    const peakRssBytes = rss.stop();
    log(`inventory[${kind}]: re-sync, nothing changed`);
    const resync = await syncEnvironment(db.prisma, target, { mode: "full", concurrency: CONCURRENCY });
    // 1% new tags, distinct per database run so each incremental sync sees new ones
    const added = Math.max(1, Math.round((REPOSITORIES * TAGS_PER_REPO) / 100));
    await mapConcurrent(Array.from({ length: added }, (_, i) => i), 8, (i) =>
      pushImage(seeder, bulkRepositoryName(NAMESPACE, i % REPOSITORIES), buildImage({ layerSize: 32 }), `new-${round}-${i}`),
    );
    log(`inventory[${kind}]: incremental after ${added} new tags`);
    const incremental = await syncEnvironment(db.prisma, target, { mode: "incremental", concurrency: CONCURRENCY });
    const sample = await db.prisma.inventoryTag.findMany({ where: { environment: "dev" }, take: 2000, select: { repository: true, tag: true, digest: true } });
    const reads = await timedReads(db, sample);
    return { kind, minimumMs, full, peakRssBytes, resync, incremental, ...reads };
  } finally {
    await provider.close();
    await db.close();
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export async function benchInventory(): Promise<BenchResult> {
  const registry = await startRegistry({ baseDir: "/dev/shm" });
  const seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
  try {
    log(`inventory: writing ${REPOSITORIES} repositories × ${TAGS_PER_REPO} tags into the registry's storage`);
    await writeBulkStorage(registry, { repositories: REPOSITORIES, tagsPerRepository: TAGS_PER_REPO, namespace: NAMESPACE });
    const runs: DbRun[] = [];
    for (const [i, kind] of (["postgres", "pglite"] as const).entries()) runs.push(await runOn(kind, registry, seeder, i));

    const tags = REPOSITORIES * TAGS_PER_REPO;
    const rows = runs.flatMap((r) => {
      const ratio = r.full.durationMs / r.minimumMs;
      const incShare = r.incremental.durationMs / r.full.durationMs;
      return [
        [r.kind, "full sync vs bare minimum (same client, same concurrency)", `${ms(r.full.durationMs)} vs ${ms(r.minimumMs)} = ${round(ratio, 2)}×`, "≤ 1.3×", verdict(ratio, 1.3)],
        [r.kind, "peak RSS during the full sync", mb(r.peakRssBytes), "≤ 400 MB", verdict(r.peakRssBytes, 400 * 1024 * 1024)],
        [r.kind, "re-sync with nothing changed: manifests fetched", `${r.resync.manifestsFetched} (${r.resync.headRequests} HEADs, ${ms(r.resync.durationMs)})`, "0", verdict(r.resync.manifestsFetched, 0)],
        [r.kind, `incremental after 1% new tags (${r.incremental.changes.created})`, `${ms(r.incremental.durationMs)} = ${round(incShare * 100, 1)}% of full`, "≤ 10%", verdict(incShare, 0.1)],
        [r.kind, "tag history p50 / p95", `${ms(r.historyP50)} / ${ms(r.historyP95)}`, "p95 ≤ 30 ms", verdict(r.historyP95, 30)],
        [r.kind, "digest locations p50 / p95", `${ms(r.locationsP50)} / ${ms(r.locationsP95)}`, "—", ""],
      ];
    });
    const figures: Record<string, number> = {};
    for (const r of runs) {
      Object.assign(figures, {
        [`${r.kind}_minimum_ms`]: round(r.minimumMs),
        [`${r.kind}_full_ms`]: r.full.durationMs,
        [`${r.kind}_full_manifest_gets`]: r.full.manifestsFetched,
        [`${r.kind}_peak_rss_mb`]: round(r.peakRssBytes / 1048576),
        [`${r.kind}_resync_ms`]: r.resync.durationMs,
        [`${r.kind}_incremental_ms`]: r.incremental.durationMs,
        [`${r.kind}_history_p95_ms`]: round(r.historyP95, 2),
        [`${r.kind}_locations_p95_ms`]: round(r.locationsP95, 2),
      });
    }
    return {
      title: `Inventory index: sync and reads (${REPOSITORIES.toLocaleString("en")} repositories, ${tags.toLocaleString("en")} tags)`,
      table: markdownTable(["database", "what", "measured", "target", "verdict"], rows),
      figures,
      notes: [
        `docker-registry 2.8 on /dev/shm, seeded straight into its storage (test/harness/storage-seed.ts); every tag its own manifest, so the bare minimum is one manifest GET per tag; concurrency ${CONCURRENCY} for both.`,
        "The issue's targets are for 10,000 repositories / 100,000 tags; set BENCH_INV_REPOS=10000 for that scale (not run by default: on this 2-core machine the registry, the database and the sync share the cores).",
        "Incremental sync on a plain OCI registry still reads the catalog and every tag list (there is no cheaper way to see new tags there), so its floor is the listing itself.",
        "Search, drift matrix and CVE timings are not measured yet: those reads are not built on the index yet.",
      ],
    };
  } finally {
    await seeder.close();
    await registry.stop();
  }
}
