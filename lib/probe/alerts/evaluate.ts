/**
 * Alert rules, evaluated for a target right after each of its results is stored. Each rule gives
 * "firing", "clear" or "no opinion"; an alert opens on firing and resolves on clear. The database's
 * partial unique index (one open alert per rule and target) makes opening idempotent across replicas,
 * and resolution is a conditional update, so each transition is announced exactly once.
 */
import type { PrismaClient, ProbeAlertRule } from "@/lib/db/generated/client";
import { alertAppliesTo } from "../kinds";
import { numOrNull, tsParam } from "../sql";
import { UNSUPPORTED, type AlertKind, type ProbeTargetSpec } from "../types";
import type { AlertEvent } from "./webhook";

type Verdict = { firing: true; message: string; value: number | null } | { firing: false; message: string } | null;

export const DEFAULT_P99_WINDOW_SECONDS = 900;

/** A rule without a target applies to the kinds whose spec says it means something for them. */
export function ruleApplies(rule: Pick<ProbeAlertRule, "kind" | "targetName">, target: Pick<ProbeTargetSpec, "name" | "kind">): boolean {
  if (rule.targetName) return rule.targetName === target.name;
  return alertAppliesTo(rule.kind as AlertKind, target.kind);
}

const countable = { OR: [{ errorClass: null }, { errorClass: { not: UNSUPPORTED } }] };

async function consecutiveFailures(prisma: PrismaClient, target: ProbeTargetSpec, n: number): Promise<Verdict> {
  const last = await prisma.probeResult.findMany({ where: { targetId: target.id, ...countable }, orderBy: { at: "desc" }, take: n, select: { ok: true, message: true } });
  if (last.length === 0) return null;
  if (last[0]!.ok) return { firing: false, message: `${target.name} succeeded again` };
  if (last.length === n && last.every((r) => !r.ok)) {
    return { firing: true, value: n, message: `${target.name} failed ${n} time${n === 1 ? "" : "s"} in a row: ${last[0]!.message ?? "no message"}` };
  }
  return null;
}

async function p99Latency(prisma: PrismaClient, target: ProbeTargetSpec, thresholdMs: number, windowSeconds: number, now: number): Promise<Verdict> {
  const [row] = await prisma.$queryRawUnsafe<{ p99: unknown; n: unknown }[]>(
    `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY "latencyMs") AS p99, count(*)::int AS n
     FROM "ProbeResult" WHERE "targetId" = $1 AND "ok" AND "at" >= ${tsParam(2)}`,
    target.id,
    now - windowSeconds * 1000,
  );
  const p99 = numOrNull(row?.p99);
  if (p99 === null) return null;
  const minutes = Math.round(windowSeconds / 60);
  if (p99 > thresholdMs) return { firing: true, value: p99, message: `${target.name} p99 latency ${Math.round(p99)} ms over the last ${minutes} min is above ${thresholdMs} ms` };
  return { firing: false, message: `${target.name} p99 latency back to ${Math.round(p99)} ms (threshold ${thresholdMs} ms)` };
}

async function lastValue(prisma: PrismaClient, target: ProbeTargetSpec): Promise<number | null> {
  const r = await prisma.probeResult.findFirst({ where: { targetId: target.id, value: { not: null } }, orderBy: { at: "desc" }, select: { value: true } });
  return r?.value ?? null;
}

async function verdict(prisma: PrismaClient, rule: ProbeAlertRule, target: ProbeTargetSpec, now: number): Promise<Verdict> {
  switch (rule.kind as AlertKind) {
    case "consecutive_failures":
      return consecutiveFailures(prisma, target, Math.max(1, Math.round(rule.threshold)));
    case "p99_latency":
      return p99Latency(prisma, target, rule.threshold, rule.windowSeconds ?? DEFAULT_P99_WINDOW_SECONDS, now);
    case "quota_percent": {
      const v = await lastValue(prisma, target);
      if (v === null) return null;
      return v >= rule.threshold
        ? { firing: true, value: v, message: `${target.name} quota is ${v.toFixed(1)}% used (threshold ${rule.threshold}%)` }
        : { firing: false, message: `${target.name} quota back to ${v.toFixed(1)}% used` };
    }
    case "cert_expiry_days": {
      const v = await lastValue(prisma, target);
      if (v === null) return null;
      return v <= rule.threshold
        ? { firing: true, value: v, message: v <= 0 ? `${target.name}: the TLS certificate has expired` : `${target.name}: the TLS certificate expires in ${v.toFixed(1)} days (threshold ${rule.threshold})` }
        : { firing: false, message: `${target.name}: the TLS certificate is valid for ${v.toFixed(1)} more days` };
    }
    default:
      return null;
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "P2002" || /unique constraint|duplicate key/i.test(e?.message ?? "");
}

export function eventFor(
  type: AlertEvent["event"],
  alert: { id: string; message: string; value: number | null; startedAt: Date; resolvedAt: Date | null; resolveMessage?: string | null },
  rule: Pick<ProbeAlertRule, "name" | "kind" | "threshold">,
  target: Pick<ProbeTargetSpec, "name" | "kind" | "registryName">,
): AlertEvent {
  return {
    event: type,
    source: "dockmaster",
    alert: {
      id: alert.id,
      rule: rule.name,
      kind: rule.kind,
      threshold: rule.threshold,
      target: target.name,
      targetKind: target.kind,
      registry: target.registryName,
      message: type === "alert.resolved" ? (alert.resolveMessage ?? alert.message) : alert.message,
      value: alert.value,
      startedAt: alert.startedAt.toISOString(),
      resolvedAt: alert.resolvedAt ? alert.resolvedAt.toISOString() : null,
    },
  };
}

/** Returns the transitions this evaluation caused (and only those), for the notifier. */
export async function evaluateAlerts(prisma: PrismaClient, target: ProbeTargetSpec, now = Date.now()): Promise<AlertEvent[]> {
  const rules = (await prisma.probeAlertRule.findMany({ where: { enabled: true } })).filter((r) => ruleApplies(r, target));
  const events: AlertEvent[] = [];
  for (const rule of rules) {
    const v = await verdict(prisma, rule, target, now);
    if (!v) continue;
    const open = await prisma.probeAlert.findFirst({ where: { ruleId: rule.id, targetId: target.id, resolvedAt: null } });
    if (v.firing && !open) {
      try {
        const created = await prisma.probeAlert.create({ data: { ruleId: rule.id, targetId: target.id, kind: rule.kind, message: v.message, value: v.value, startedAt: new Date(now) } });
        events.push(eventFor("alert.firing", created, rule, target));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // another replica opened it a moment ago
      }
    } else if (!v.firing && open) {
      const resolvedAt = new Date(now);
      const down = Math.max(0, Math.round((now - open.startedAt.getTime()) / 1000));
      const resolveMessage = `${v.message} (alert open ${down >= 120 ? `${Math.round(down / 60)} min` : `${down} s`})`;
      const { count } = await prisma.probeAlert.updateMany({ where: { id: open.id, resolvedAt: null }, data: { resolvedAt, resolveMessage } });
      if (count === 1) events.push(eventFor("alert.resolved", { ...open, resolvedAt, resolveMessage }, rule, target));
    } else if (v.firing && open && v.value !== open.value) {
      await prisma.probeAlert.update({ where: { id: open.id }, data: { value: v.value } });
    }
  }
  return events;
}
