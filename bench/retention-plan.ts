/**
 * Issue 14: a retention plan for an environment of 100,000 tags, computed from the inventory index,
 * in at most 2 s. The index is seeded straight with SQL (generate_series) in a scratch PostgreSQL
 * database (dropped afterwards): BENCH_RETENTION_TAGS tags in dev (repositories dev/svc-<r>, 20 tags
 * each, pushed 0..19 days ago, every digest its own manifest), a tenth as many untagged manifests
 * (tag events that moved away from them), prod (protected) holding every 50th digest, and 200 open
 * promotions. Policy: keep v* tags and the newest 5, delete older than 7 days, untagged after 3 days.
 * Timed per run after a warm-up: loading from the index + planning (what the limit is about), and
 * the whole "Compute plan" (createRetentionPlan: permission, load, plan, hash, store, audit).
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { openDatabase } from "../lib/db/open";
import { computePlan } from "../lib/retention/plan";
import { loadPlanInput } from "../lib/retention/plan-load";
import { withReclaim } from "../lib/retention/reclaim-load";
import { createRetentionPlan } from "../lib/retention/service";
import { createEmptyPostgres } from "../test/support/db";
import { log, markdownTable, ms, percentile, round, verdict, type BenchResult } from "./stats";

const TAGS = Number(process.env.BENCH_RETENTION_TAGS ?? 100_000);
const RUNS = Number(process.env.BENCH_RETENTION_RUNS ?? 5);
const TAGS_PER_REPO = 20;
const LIMIT_MS = 2000;

export async function benchRetentionPlan(): Promise<BenchResult> {
  const pg = await createEmptyPostgres();
  const db = await openDatabase({ url: pg.url });
  try {
    const seedStart = performance.now();
    const reg = await db.prisma.registry.create({ data: { name: "bench", kind: "oci", url: "http://127.0.0.1:1" } });
    const retention = { rules: [{ repositories: "svc-*", keepTags: "^v", keepLast: 5, deleteOlderThanDays: 7, untaggedOlderThanDays: 3 }] };
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev", retention } });
    await db.prisma.environment.create({ data: { name: "prod", order: 2, registryId: reg.id, namespace: "prod", protected: true } });
    await db.prisma.inventorySyncState.create({ data: { environment: "dev", lastFullAt: new Date(), tags: TAGS } });
    const untagged = Math.floor(TAGS / 10);
    // digest of tag g: sha256: + two md5s; untagged manifests use keys u<g>
    // Each manifest's blob list as the sync stores it: itself, its config, 5 base layers shared from a
    // pool of 200 (so most layers are shared) and 5 layers of its own.
    const blobs = (k: string, size: string) => `jsonb_build_array(
        jsonb_build_array('sha256:' || md5(${k}) || md5(${k} || '#'), 1000),
        jsonb_build_array('sha256:' || md5('c' || ${k}) || md5('c' || ${k} || '#'), 2000)) ||
      (SELECT jsonb_agg(jsonb_build_array('sha256:' || md5('base' || ((g * 7 + i) % 200)) || md5('base#' || ((g * 7 + i) % 200)), 20000000)) FROM generate_series(0, 4) AS i) ||
      (SELECT jsonb_agg(jsonb_build_array('sha256:' || md5(${k} || '/' || i) || md5(${k} || '/#' || i), (${size}) / 5)) FROM generate_series(0, 4) AS i)`;
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "InventoryManifest" ("digest", "mediaType", "size", "platforms", "blobs")
      SELECT 'sha256:' || md5(k) || md5(k || '#'), 'application/vnd.oci.image.manifest.v1+json', 1000000 + (g % 997) * 1000, '[]'::jsonb, ${blobs("k", "1000000 + (g % 997) * 1000")}
      FROM generate_series(0, ${TAGS - 1}) AS g, LATERAL (SELECT g::text AS k) AS key
      UNION ALL
      SELECT 'sha256:' || md5(k) || md5(k || '#'), 'application/vnd.oci.image.manifest.v1+json', 500000, '[]'::jsonb, ${blobs("k", "500000")}
      FROM generate_series(0, ${untagged - 1}) AS g, LATERAL (SELECT 'u' || g AS k) AS key`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "InventoryTag" ("environment", "repository", "tag", "digest", "since", "seenAt")
      SELECT 'dev', 'dev/svc-' || (g / ${TAGS_PER_REPO}), CASE WHEN g % ${TAGS_PER_REPO} = 19 THEN 'v1.' || g ELSE 'build-' || g END,
             'sha256:' || md5(g::text) || md5(g::text || '#'), now() - (g % ${TAGS_PER_REPO}) * interval '1 day', now()
      FROM generate_series(0, ${TAGS - 1}) AS g`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "InventoryTag" ("environment", "repository", "tag", "digest", "since", "seenAt")
      SELECT 'prod', 'prod/svc-' || (g / ${TAGS_PER_REPO}), 'build-' || g, 'sha256:' || md5(g::text) || md5(g::text || '#'), now(), now()
      FROM generate_series(0, ${TAGS - 1}, 50) AS g`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "InventoryTagEvent" ("at", "environment", "repository", "tag", "kind", "digest", "previousDigest", "source")
      SELECT now() - interval '5 days', 'dev', 'dev/svc-' || ((g * 10) / ${TAGS_PER_REPO}), 'build-' || (g * 10), 'moved',
             'sha256:' || md5((g * 10)::text) || md5((g * 10)::text || '#'), 'sha256:' || md5('u' || g) || md5('u' || g || '#'), 'sync'
      FROM generate_series(0, ${untagged - 1}) AS g`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "Promotion" ("id", "sourceEnv", "targetEnv", "sourceRepository", "targetRepository", "digest", "targetTag", "reason", "requestedById", "requestedByEmail", "status", "approvalsRequired", "gates", "gatesPassed", "updatedAt")
      SELECT 'bench-' || g, 'dev', 'prod', 'dev/svc-' || (g / ${TAGS_PER_REPO}), 'prod/svc-' || (g / ${TAGS_PER_REPO}), 'sha256:' || md5(g::text) || md5(g::text || '#'), 'rc', 'bench', 'u', 'u@bench', 'requested', 1, '[]'::jsonb, true, now()
      FROM generate_series(3, ${TAGS - 1}, ${Math.max(1, Math.floor(TAGS / 200))}) AS g`);
    await db.prisma.$executeRawUnsafe(`ANALYZE`);
    const seedMs = performance.now() - seedStart;
    log(`retention-plan: seeded ${TAGS} tags in ${ms(seedMs)}`);

    const admin = { id: "bench", email: "bench@dockmaster.test", name: null, grants: [{ role: "admin" as const, environment: null }], ip: null };
    const plans: number[] = [];
    const planCpu: number[] = [];
    const totals: number[] = [];
    const reclaims: number[] = [];
    const cpuMs = () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    };
    let shape = { items: 0, protected: 0, bytes: 0 };
    for (let run = 0; run <= RUNS; run++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const { input } = await loadPlanInput(db.prisma, "dev");
      const t1 = performance.now();
      const plan = computePlan(input);
      const t2 = performance.now();
      const c2 = cpuMs();
      const withShares = await withReclaim(db.prisma, input, plan);
      const tr = performance.now();
      if (run === 0 && withShares.reclaim?.upperBound) throw new Error("every manifest has a blob list: the reclaim figure must be exact");
      const storeStart = performance.now();
      const stored = await createRetentionPlan(db.prisma, admin, "dev");
      // the stored row reads back as the plan that was returned
      if (run === 0 && (await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: stored.id } })).hash !== stored.hash) throw new Error("stored hash differs");
      const t3 = performance.now();
      shape = { items: plan.items.length, protected: plan.protected.length, bytes: plan.bytes };
      if (stored.items.length !== plan.items.length) throw new Error("stored plan differs from the computed one");
      log(`retention-plan: run ${run}${run === 0 ? " (warm-up)" : ""}: load ${ms(t1 - t0)}, plan ${ms(t2 - t1)} (app CPU ${ms(c2 - c0)}), shared-layer reclaim ${ms(tr - t2)}, compute-and-store ${ms(t3 - storeStart)}`);
      if (run === 0) continue;
      plans.push(t2 - t0);
      planCpu.push(c2 - c0);
      totals.push(t3 - storeStart);
      reclaims.push(tr - t2);
    }
    const p50 = percentile(plans, 50);
    const worst = Math.max(...plans);
    const total50 = percentile(totals, 50);
    return {
      title: `Retention plan for ${TAGS.toLocaleString("en")} tags from the index (PostgreSQL)`,
      table: markdownTable(
        ["measure", "p50", "worst", "limit", "verdict"],
        [
          ["load from index + plan (wall)", ms(p50), ms(worst), ms(LIMIT_MS), verdict(worst, LIMIT_MS)],
          ["load from index + plan (CPU of the app process)", ms(percentile(planCpu, 50)), ms(Math.max(...planCpu)), "—", "—"],
          ["shared layers counted once (one query over every deleted and kept manifest's blob list)", ms(percentile(reclaims, 50)), ms(Math.max(...reclaims)), "—", "—"],
          ["Compute plan (permission, load, plan, reclaim, hash, store, audit)", ms(total50), ms(Math.max(...totals)), "—", "—"],
        ],
      ),
      figures: { tags: TAGS, runs: RUNS, seedMs: round(seedMs), planP50Ms: round(p50), planWorstMs: round(worst), planCpuP50Ms: round(percentile(planCpu, 50)), loadAverageAtEnd: round(os.loadavg()[0]!, 2), computeAndStoreP50Ms: round(total50), reclaimP50Ms: round(percentile(reclaims, 50)), items: shape.items, protected: shape.protected, bytes: shape.bytes },
      notes: [
        `${TAGS.toLocaleString("en")} tags in ${TAGS / TAGS_PER_REPO} repositories, ${Math.floor(TAGS / 10).toLocaleString("en")} untagged manifests, each manifest with a 12-entry blob list (itself, config, 5 of 200 shared base layers, 5 of its own), prod holding every 50th digest, ${Math.ceil(TAGS / Math.max(1, Math.floor(TAGS / 200)))} open promotions; seeded with SQL in ${ms(seedMs)}.`,
        `The plan: ${shape.items.toLocaleString("en")} items, ${shape.protected.toLocaleString("en")} protected, ${(shape.bytes / 1_073_741_824).toFixed(1)} GiB.`,
        `${RUNS} runs after one warm-up, sequential, timing the lib functions in-process (no HTTP). Wall time depends on the machine's load (2 cores shared by many processes here: see the load average above and loadAverageAtEnd); the CPU row is the app process's own user+system time (PostgreSQL's work not included).`,
      ],
    };
  } finally {
    await db.close();
    await pg.drop();
  }
}
