/**
 * Raw results roll up into hourly and 6-hourly buckets per target: run count, success count, latency percentiles
 * and a mergeable histogram. Charts over 7 and 30 days read these instead of millions of raw rows.
 *
 * Percentile definition (the same everywhere, tests included): percentile_cont over the latencies of
 * the bucket's successful runs, i.e. linear interpolation between the values at ranks ⌊q·(n−1)⌋ and
 * ⌈q·(n−1)⌉ of the sorted list. Failed runs count against the success rate only: their "latency"
 * is how long it took to give up. Results marked unsupported count nowhere.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { HISTOGRAM_INDEX_SQL } from "./histogram";
import { ROLLUP_BUCKETS, ROLLUP_BUCKET_SECONDS } from "./ranges";
import { COUNTABLE, epochMs, num, okLatencyPercentile, tsParam } from "./sql";

export { ROLLUP_BUCKETS } from "./ranges";

type Db = Pick<PrismaClient, "$executeRawUnsafe" | "$queryRawUnsafe">;

/** Recomputes every bucket overlapping [fromMs, toMs): idempotent, so re-running a range is safe. */
export async function rollupRange(db: Db, fromMs: number, toMs: number, bucketSeconds: number = ROLLUP_BUCKET_SECONDS): Promise<number> {
  const bucket = `date_bin(make_interval(secs => $1::int), r."at", TIMESTAMP '2000-01-01')`;
  const alignedFrom = Math.floor(fromMs / (bucketSeconds * 1000)) * bucketSeconds * 1000;
  return db.$executeRawUnsafe(
    `WITH raw AS (
       SELECT r."targetId", ${bucket} AS b, r."ok", r."latencyMs"
       FROM "ProbeResult" r
       WHERE r."at" >= ${tsParam(2)} AND r."at" < ${tsParam(3)} AND r.${COUNTABLE}
     ), stats AS (
       SELECT "targetId", b, count(*)::int AS n, (count(*) FILTER (WHERE "ok"))::int AS ok_n,
         ${okLatencyPercentile(0.5)} AS p50, ${okLatencyPercentile(0.95)} AS p95, ${okLatencyPercentile(0.99)} AS p99,
         max("latencyMs") FILTER (WHERE "ok") AS mx
       FROM raw GROUP BY 1, 2
     ), hist AS (
       SELECT "targetId", b, jsonb_object_agg(i::text, c) AS h
       FROM (SELECT "targetId", b, ${HISTOGRAM_INDEX_SQL(`"latencyMs"`)} AS i, count(*)::int AS c FROM raw WHERE "ok" GROUP BY 1, 2, 3) x
       GROUP BY 1, 2
     )
     INSERT INTO "ProbeRollup" ("targetId", "bucketSeconds", "bucketStart", "count", "okCount", "p50", "p95", "p99", "maxLatency", "histogram")
     SELECT s."targetId", $1::int, s.b, s.n, s.ok_n, s.p50, s.p95, s.p99, s.mx, COALESCE(h.h, '{}'::jsonb)
     FROM stats s LEFT JOIN hist h ON h."targetId" = s."targetId" AND h.b = s.b
     ON CONFLICT ("targetId", "bucketSeconds", "bucketStart") DO UPDATE SET
       "count" = EXCLUDED."count", "okCount" = EXCLUDED."okCount", "p50" = EXCLUDED."p50", "p95" = EXCLUDED."p95",
       "p99" = EXCLUDED."p99", "maxLatency" = EXCLUDED."maxLatency", "histogram" = EXCLUDED."histogram"`,
    bucketSeconds,
    alignedFrom,
    toMs,
  );
}

/**
 * Rolls up everything not yet final, per bucket width: from the newest stored bucket (which may have
 * been partial) to now, or from the oldest raw row on the first run. Returns the buckets written.
 */
export async function rollupPending(db: Db, now = Date.now()): Promise<number> {
  let written = 0;
  for (const bucketSeconds of ROLLUP_BUCKETS) {
    const [row] = await db.$queryRawUnsafe<{ last: unknown; first: unknown }[]>(
      `SELECT (SELECT ${epochMs(`max("bucketStart")`)} FROM "ProbeRollup" WHERE "bucketSeconds" = $1::int) AS last,
              (SELECT ${epochMs(`min("at")`)} FROM "ProbeResult") AS first`,
      bucketSeconds,
    );
    const from = row?.last != null ? num(row.last) : row?.first != null ? num(row.first) : null;
    if (from !== null) written += await rollupRange(db, from, now + 1, bucketSeconds);
  }
  return written;
}

export interface Retention {
  rawDays: number;
  rollupDays: number;
}

/** Drops raw rows and rollups past their windows. Raw rows are rolled up first, so nothing is lost but detail. */
export async function pruneResults(db: Db, retention: Retention, now = Date.now()): Promise<{ raw: number; rollups: number }> {
  const raw = await db.$executeRawUnsafe(`DELETE FROM "ProbeResult" WHERE "at" < ${tsParam(1)}`, now - retention.rawDays * 86_400_000);
  const rollups = await db.$executeRawUnsafe(`DELETE FROM "ProbeRollup" WHERE "bucketStart" < ${tsParam(1)}`, now - retention.rollupDays * 86_400_000);
  return { raw, rollups };
}
