/**
 * Everything the probes page shows, in one read: per registry its state, success rate and latency
 * percentiles over the chosen range, per target the same plus a chart series, the last failures and
 * the alerts. Short ranges are computed from raw rows; 7 and 30 days from hourly rollups, where the
 * range-wide percentiles are estimated from merged histograms (marked approximate).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { listAlerts, type AlertView } from "./alerts/list";
import { estimateQuantile, mergeInto, type Histogram } from "./histogram";
import { kindLabel } from "./kinds";
import { RANGES, type RangeKey } from "./ranges";
import { failureRuns, type FailureRun } from "./failure-runs";
import { COUNTABLE, epochMs, num, numOrNull, okLatencyPercentiles, percentilesOf, tsParam } from "./sql";
import { toSpec, UNSUPPORTED, type ProbeTargetSpec } from "./types";

export { parseRange, type RangeKey } from "./ranges";

export type ProbeState = "green" | "amber" | "red" | "unknown" | "paused";

export interface Stats {
  count: number;
  okCount: number;
  /** null when nothing ran in the range */
  successRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** percentiles estimated from histograms (long ranges) rather than computed exactly */
  approximate: boolean;
}

export interface SeriesPoint {
  t: number;
  count: number;
  successRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface TargetView extends Stats, ProbeTargetSpec {
  kindLabel: string;
  source: "config" | "ui";
  state: ProbeState;
  stateReason: string;
  last: { at: string; ok: boolean; latencyMs: number; errorClass: string | null; message: string | null; value: number | null } | null;
  series: SeriesPoint[];
}

export interface GroupView extends Stats {
  /** registry name, or null for probes spanning environments */
  registry: string | null;
  state: ProbeState;
  stateReason: string;
  targets: TargetView[];
}

/** identical consecutive failures of one target, folded (failure-runs.ts) */
export type FailureView = FailureRun;

export interface ProbesOverview {
  range: RangeKey;
  generatedAt: string;
  groups: GroupView[];
  failures: FailureView[];
  alerts: AlertView[];
}

interface StatRow {
  targetId: string;
  n: unknown;
  ok_n: unknown;
  /** okLatencyPercentiles (raw ranges only) */
  pcts?: unknown;
}

function stats(count: number, okCount: number, p: { p50: number | null; p95: number | null; p99: number | null }, approximate: boolean): Stats {
  return { count, okCount, successRate: count ? okCount / count : null, ...p, approximate };
}

const EMPTY: Stats = { count: 0, okCount: 0, successRate: null, p50: null, p95: null, p99: null, approximate: false };

type SeriesRow = { targetId: string; t: unknown; n: unknown; ok_n: unknown; p50: unknown; p95: unknown; p99: unknown };

/**
 * Short ranges, exact, from raw rows in ONE scan (on PGlite each scan of a day of results costs
 * hundreds of ms): GROUPING SETS give per-target series buckets, per-target and per-registry totals
 * in one pass; g = GROUPING(targetId, b, registry) tells them apart (1, 3 and 6).
 */
async function rawStatsAndSeries(prisma: PrismaClient, from: number, bucketSeconds: number) {
  const rows = await prisma.$queryRawUnsafe<(StatRow & { registry: string | null; g: unknown; t: unknown })[]>(
    `SELECT x."targetId", x.registry, ${epochMs("x.b")} AS t, GROUPING(x."targetId", x.b, x.registry)::int AS g,
       count(*)::int AS n, (count(*) FILTER (WHERE x."ok"))::int AS ok_n, ${okLatencyPercentiles("x.")} AS pcts
     FROM (SELECT r."targetId", t."registryName" AS registry, date_bin(make_interval(secs => $2::int), r."at", TIMESTAMP '2000-01-01') AS b, r."ok", r."latencyMs"
           FROM "ProbeResult" r JOIN "ProbeTarget" t ON t."id" = r."targetId" WHERE r."at" >= ${tsParam(1)} AND r.${COUNTABLE}) x
     GROUP BY GROUPING SETS ((x."targetId", x.b), (x."targetId"), (x.registry))`,
    from,
    bucketSeconds,
  );
  const toStats = (r: StatRow) => stats(num(r.n), num(r.ok_n), percentilesOf(r.pcts), false);
  const series = new Map<string, SeriesPoint[]>();
  for (const r of rows.filter((x) => num(x.g) === 1).sort((x, y) => num(x.t) - num(y.t))) {
    const n = num(r.n);
    const list = series.get(r.targetId) ?? [];
    list.push({ t: num(r.t), count: n, successRate: n ? num(r.ok_n) / n : null, ...percentilesOf(r.pcts) });
    series.set(r.targetId, list);
  }
  return {
    target: new Map(rows.filter((r) => num(r.g) === 3).map((r) => [r.targetId, toStats(r)])),
    group: new Map(rows.filter((r) => num(r.g) === 6).map((r) => [r.registry, toStats(r)])),
    series,
  };
}

async function rollupStats(prisma: PrismaClient, from: number, bucketSeconds: number, registryOf: Map<string, string | null>) {
  const where = `"bucketSeconds" = ${Number(bucketSeconds)} AND "bucketStart" >= ${tsParam(1)}`;
  const [counts, hist] = await Promise.all([
    prisma.$queryRawUnsafe<StatRow[]>(`SELECT "targetId", sum("count")::int AS n, sum("okCount")::int AS ok_n FROM "ProbeRollup" WHERE ${where} GROUP BY 1`, from),
    prisma.$queryRawUnsafe<{ targetId: string; i: unknown; c: unknown }[]>(
      `SELECT "targetId", h.key::int AS i, sum(h.value::int)::int AS c FROM "ProbeRollup", jsonb_each_text("histogram") h WHERE ${where} GROUP BY 1, 2`,
      from,
    ),
  ]);
  const targetHist = new Map<string, Histogram>();
  const groupHist = new Map<string | null, Histogram>();
  for (const r of hist) {
    const g = registryOf.get(r.targetId) ?? null;
    if (!targetHist.has(r.targetId)) targetHist.set(r.targetId, new Map());
    if (!groupHist.has(g)) groupHist.set(g, new Map());
    mergeInto(targetHist.get(r.targetId)!, num(r.i), num(r.c));
    mergeInto(groupHist.get(g)!, num(r.i), num(r.c));
  }
  const est = (h: Histogram | undefined) => ({ p50: h ? estimateQuantile(h, 0.5) : null, p95: h ? estimateQuantile(h, 0.95) : null, p99: h ? estimateQuantile(h, 0.99) : null });
  const target = new Map<string, Stats>();
  const groupCounts = new Map<string | null, { n: number; ok: number }>();
  for (const r of counts) {
    target.set(r.targetId, stats(num(r.n), num(r.ok_n), est(targetHist.get(r.targetId)), true));
    const g = registryOf.get(r.targetId) ?? null;
    const acc = groupCounts.get(g) ?? { n: 0, ok: 0 };
    groupCounts.set(g, { n: acc.n + num(r.n), ok: acc.ok + num(r.ok_n) });
  }
  const group = new Map<string | null, Stats>([...groupCounts].map(([g, c]) => [g, stats(c.n, c.ok, est(groupHist.get(g)), true)]));
  return { target, group };
}

/** Long ranges: the chart series straight from the rollup rows. */
async function rollupSeries(prisma: PrismaClient, from: number, bucketSeconds: number) {
  const rows = await prisma.$queryRawUnsafe<SeriesRow[]>(
    `SELECT "targetId", ${epochMs(`"bucketStart"`)} AS t, "count" AS n, "okCount" AS ok_n, "p50", "p95", "p99"
     FROM "ProbeRollup" WHERE "bucketSeconds" = $2::int AND "bucketStart" >= ${tsParam(1)} ORDER BY 2`,
    from,
    bucketSeconds,
  );
  const out = new Map<string, SeriesPoint[]>();
  for (const r of rows) {
    const n = num(r.n);
    const list = out.get(r.targetId) ?? [];
    list.push({ t: num(r.t), count: n, successRate: n ? num(r.ok_n) / n : null, p50: numOrNull(r.p50), p95: numOrNull(r.p95), p99: numOrNull(r.p99) });
    out.set(r.targetId, list);
  }
  return out;
}

const RANK: Record<ProbeState, number> = { red: 4, amber: 3, green: 2, unknown: 1, paused: 0 };

function targetState(t: { enabled: boolean }, last: TargetView["last"], recentFailures: number, openAlert: AlertView | undefined): [ProbeState, string] {
  if (!t.enabled) return ["paused", "paused"];
  if (!last) return ["unknown", "no result yet"];
  if (last.errorClass === UNSUPPORTED) return ["amber", last.message ?? "cannot be measured on this registry"];
  if (!last.ok) return ["red", last.message ?? `failed (${last.errorClass ?? "unknown error"})`];
  if (openAlert) return ["amber", openAlert.message];
  if (recentFailures > 0) return ["amber", `${recentFailures} failure${recentFailures === 1 ? "" : "s"} in the last hour`];
  return ["green", "last run succeeded, none failed in the last hour"];
}

export async function probesOverview(prisma: PrismaClient, rangeKey: RangeKey, now = Date.now()): Promise<ProbesOverview> {
  const range = RANGES[rangeKey];
  const from = now - range.ms;
  const [targets, registries, lastRows, recentFailureRows, failureRows, alerts] = await Promise.all([
    prisma.probeTarget.findMany({ orderBy: { name: "asc" } }),
    prisma.registry.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    prisma.$queryRawUnsafe<{ id: string; at: unknown; ok: boolean; latencyMs: unknown; errorClass: string | null; message: string | null; value: unknown }[]>(
      `SELECT t."id", ${epochMs(`r."at"`)} AS at, r."ok", r."latencyMs", r."errorClass", r."message", r."value"
       FROM "ProbeTarget" t CROSS JOIN LATERAL (SELECT * FROM "ProbeResult" WHERE "targetId" = t."id" ORDER BY "at" DESC LIMIT 1) r`,
    ),
    prisma.$queryRawUnsafe<{ targetId: string; n: unknown }[]>(
      `SELECT "targetId", count(*)::int AS n FROM "ProbeResult" WHERE NOT "ok" AND ${COUNTABLE} AND "at" >= ${tsParam(1)} GROUP BY 1`,
      now - 3_600_000,
    ),
    failureRuns(prisma, now),
    listAlerts(prisma, { now }),
  ]);
  const registryOf = new Map(targets.map((t) => [t.id, t.registryName]));
  const { target: targetStats, group: groupStats, series: seriesByTarget } =
    range.source === "raw"
      ? await rawStatsAndSeries(prisma, from, range.bucketSeconds)
      : await Promise.all([rollupStats(prisma, from, range.bucketSeconds, registryOf), rollupSeries(prisma, from, range.bucketSeconds)]).then(([s, series]) => ({ ...s, series }));
  const last = new Map(lastRows.map((r) => [r.id, { at: new Date(num(r.at)).toISOString(), ok: r.ok, latencyMs: num(r.latencyMs), errorClass: r.errorClass, message: r.message, value: numOrNull(r.value) }]));
  const recent = new Map(recentFailureRows.map((r) => [r.targetId, num(r.n)]));
  const openByTarget = new Map(alerts.filter((a) => !a.resolvedAt).map((a) => [a.target, a]));

  const views: TargetView[] = targets.map((t) => {
    const l = last.get(t.id) ?? null;
    const [state, stateReason] = targetState(t, l, recent.get(t.id) ?? 0, openByTarget.get(t.name));
    return {
      ...(targetStats.get(t.id) ?? { ...EMPTY, approximate: range.source === "rollup" }),
      ...toSpec(t),
      kindLabel: kindLabel(t.kind),
      source: t.source,
      state,
      stateReason,
      last: l,
      series: seriesByTarget.get(t.id) ?? [],
    };
  });

  const groupKeys: (string | null)[] = [...registries.map((r) => r.name)];
  if (views.some((v) => v.registryName === null)) groupKeys.push(null);
  for (const v of views) if (v.registryName !== null && !groupKeys.includes(v.registryName)) groupKeys.push(v.registryName);
  const groups: GroupView[] = groupKeys.map((registry) => {
    const members = views.filter((v) => v.registryName === registry);
    const worst = members.reduce<TargetView | undefined>((w, v) => (!w || RANK[v.state] > RANK[w.state] ? v : w), undefined);
    const state: ProbeState = worst?.state ?? "unknown";
    const stateReason = !worst ? "no probes for this registry" : state === "green" ? "all probes healthy" : `${worst.name}: ${worst.stateReason}`;
    return { ...(groupStats.get(registry) ?? { ...EMPTY, approximate: range.source === "rollup" }), registry, state, stateReason, targets: members };
  });

  return {
    range: rangeKey,
    generatedAt: new Date(now).toISOString(),
    groups,
    failures: failureRows,
    alerts,
  };
}
