/**
 * The probes page's failure history with identical consecutive failures of a target folded into one
 * row ("connection refused × 20, since 05:31"): a run is a target's unbroken series of results with
 * the same error class and message, ended by a success or a different failure (gaps and islands:
 * the difference of two row numbers is constant within a run). Results that could not be measured
 * ("unsupported") neither break nor join a run.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { COUNTABLE, epochMs, num, tsParam } from "./sql";

/** Runs are looked for in this window: one day of results is a few thousand rows per target at most. */
export const FAILURE_WINDOW_MS = 24 * 3_600_000;

export interface FailureRun {
  /** the run's latest failure */
  at: string;
  /** the run's first failure */
  since: string;
  count: number;
  target: string;
  kind: string;
  registry: string | null;
  errorClass: string | null;
  message: string | null;
  /** the latest failure's latency */
  latencyMs: number;
}

interface Row {
  name: string;
  registry: string | null;
  kind: string;
  errorClass: string | null;
  message: string | null;
  n: unknown;
  first: unknown;
  last: unknown;
  latency: unknown;
}

export async function failureRuns(prisma: PrismaClient, now: number, limit = 20): Promise<FailureRun[]> {
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `WITH recent AS (
       SELECT r."targetId", r."at", r."ok", r."kind", r."errorClass", r."message", r."latencyMs",
              row_number() OVER (PARTITION BY r."targetId" ORDER BY r."at", r."id")
            - row_number() OVER (PARTITION BY r."targetId", r."ok", r."errorClass", r."message" ORDER BY r."at", r."id") AS run
       FROM "ProbeResult" r WHERE r."at" >= ${tsParam(1)} AND r.${COUNTABLE}
     )
     SELECT t."name", t."registryName" AS registry, x."kind", x."errorClass", x."message", count(*)::int AS n,
            ${epochMs(`min(x."at")`)} AS first, ${epochMs(`max(x."at")`)} AS last,
            (array_agg(x."latencyMs" ORDER BY x."at" DESC))[1] AS latency
     FROM recent x JOIN "ProbeTarget" t ON t."id" = x."targetId"
     WHERE NOT x."ok"
     GROUP BY t."name", t."registryName", x."targetId", x."kind", x."errorClass", x."message", x.run
     ORDER BY last DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    now - FAILURE_WINDOW_MS,
  );
  return rows.map((r) => ({
    at: new Date(num(r.last)).toISOString(),
    since: new Date(num(r.first)).toISOString(),
    count: num(r.n),
    target: r.name,
    kind: r.kind,
    registry: r.registry,
    errorClass: r.errorClass,
    message: r.message,
    latencyMs: num(r.latency),
  }));
}
