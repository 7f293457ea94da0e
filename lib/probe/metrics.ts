/**
 * Prometheus metrics for /metrics. Two sources:
 *  - per replica (counters, histograms): the probes this process ran; sum them across replicas.
 *  - from the database at scrape time (gauges): each target's last result, open alerts, promotions
 *    by status, stale inventory environments; every replica reports the same cluster-wide values,
 *    so aggregate them with max().
 * Kept on globalThis: Next.js may load this module once per server bundle, and both copies must
 * feed the same registry.
 */
import client from "prom-client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { countStaleEnvironments } from "@/lib/inventory/index/status";
import type { ProbeOutcome, ProbeTargetSpec } from "./types";

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "dockmaster_" });
  const labels = ["target", "kind", "registry"] as const;
  return {
    registry,
    runs: new client.Counter({ name: "dockmaster_probe_runs_total", help: "Probe runs by this replica", labelNames: [...labels, "result", "error_class"], registers: [registry] }),
    latency: new client.Histogram({
      name: "dockmaster_probe_latency_seconds",
      help: "Duration of successful probe runs by this replica",
      labelNames: [...labels],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    drift: new client.Histogram({
      name: "dockmaster_probe_schedule_drift_seconds",
      help: "How late probe runs started after their scheduled slot",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    up: new client.Gauge({ name: "dockmaster_probe_up", help: "1 when the target's last probe succeeded, 0 when it failed", labelNames: [...labels], registers: [registry] }),
    lastLatency: new client.Gauge({ name: "dockmaster_probe_last_latency_seconds", help: "Duration of the target's last probe run", labelNames: [...labels], registers: [registry] }),
    lastValue: new client.Gauge({ name: "dockmaster_probe_value", help: "The kind's measure from the last run: throughput B/s, quota %, certificate days left", labelNames: [...labels], registers: [registry] }),
    alerts: new client.Gauge({ name: "dockmaster_probe_alerts_open", help: "Open probe alerts", labelNames: ["rule", "target"], registers: [registry] }),
    promotions: new client.Gauge({ name: "dockmaster_promotions", help: "Promotions by status and target environment", labelNames: ["status", "target_env"], registers: [registry] }),
    staleInventory: new client.Gauge({
      name: "dockmaster_inventory_stale_environments",
      help: "Environments whose inventory index is stale (last sync failed) or overdue (no sync for 3 maintenance runs)",
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof create>;
const holder = globalThis as unknown as { __dmProbeMetrics?: Metrics };

export function probeMetrics(): Metrics {
  return (holder.__dmProbeMetrics ??= create());
}

export function recordRun(target: Pick<ProbeTargetSpec, "name" | "kind" | "registryName">, outcome: ProbeOutcome, driftMs: number) {
  const m = probeMetrics();
  const l = { target: target.name, kind: target.kind, registry: target.registryName ?? "" };
  m.runs.inc({ ...l, result: outcome.ok ? "ok" : "fail", error_class: outcome.errorClass ?? "" });
  if (outcome.ok) m.latency.observe(l, outcome.latencyMs / 1000);
  m.drift.observe(Math.max(0, driftMs) / 1000);
}

/** Refreshes the database-backed gauges; called on each scrape. */
export async function refreshDbGauges(prisma: PrismaClient): Promise<void> {
  const m = probeMetrics();
  const last = await prisma.$queryRawUnsafe<{ name: string; kind: string; registry: string | null; ok: boolean; latency: number; value: number | null }[]>(
    `SELECT t."name", t."kind", t."registryName" AS registry, r."ok", r."latencyMs" AS latency, r."value"
     FROM "ProbeTarget" t
     CROSS JOIN LATERAL (SELECT "ok", "latencyMs", "value" FROM "ProbeResult" WHERE "targetId" = t."id" ORDER BY "at" DESC LIMIT 1) r
     WHERE t."enabled"`,
  );
  m.up.reset();
  m.lastLatency.reset();
  m.lastValue.reset();
  for (const r of last) {
    const l = { target: r.name, kind: r.kind, registry: r.registry ?? "" };
    m.up.set(l, r.ok ? 1 : 0);
    m.lastLatency.set(l, Number(r.latency) / 1000);
    if (r.value !== null) m.lastValue.set(l, Number(r.value));
  }
  const open = await prisma.probeAlert.findMany({ where: { resolvedAt: null }, select: { rule: { select: { name: true } }, target: { select: { name: true } } } });
  m.alerts.reset();
  for (const a of open) m.alerts.inc({ rule: a.rule.name, target: a.target.name });
  m.promotions.reset();
  const promotions = await prisma.promotion.groupBy({ by: ["status", "targetEnv"], _count: { _all: true } });
  for (const r of promotions) m.promotions.set({ status: r.status, target_env: r.targetEnv }, r._count._all);
  m.staleInventory.set(await countStaleEnvironments(prisma));
}
