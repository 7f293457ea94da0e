/**
 * Mirrors the `probes:` section of dockmaster.yaml into the database, like lib/config/sync.ts does for
 * registries: targets and rules from the file are upserted (source "config", read-only in the UI) and
 * those the file no longer declares are removed; ones added in the UI stay, but a name clash is refused.
 */
import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { DEFAULT_FAILURE_THRESHOLD, DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_MS, targetParams, type AlertRuleConfig, type ProbesConfig } from "./config-schema";
import { checkTarget } from "./kinds/check";
import { probeKindSpec } from "./kinds";

const DEFAULT_RULE: AlertRuleConfig = { name: "consecutive-failures", kind: "consecutive_failures", threshold: DEFAULT_FAILURE_THRESHOLD, enabled: true };

export async function syncProbeConfig(prisma: PrismaClient, cfg: { probes?: ProbesConfig }): Promise<{ targets: number; rules: number }> {
  const probes = cfg.probes;
  const targets = probes?.targets ?? [];
  const rules = probes?.alerts ?? [DEFAULT_RULE];
  return prisma.$transaction(async (tx) => {
    const clashes = [
      ...(await tx.probeTarget.findMany({ where: { source: "ui", name: { in: targets.map((t) => t.name) } } })).map((t) => `probe target "${t.name}"`),
      ...(await tx.probeAlertRule.findMany({ where: { source: "ui", name: { in: rules.map((r) => r.name) } } })).map((r) => `alert rule "${r.name}"`),
    ];
    if (clashes.length) throw new Error(`dockmaster.yaml declares ${clashes.join(", ")}, which already ${clashes.length === 1 ? "exists" : "exist"} as added in the UI; rename or delete one of them`);

    for (const t of targets) {
      const data = {
        kind: t.kind,
        registryName: t.registry ?? null,
        // as the kind's schema parsed them (the file was validated against it already)
        params: (checkTarget(probeKindSpec(t.kind)!, { registry: t.registry, params: targetParams(t) }).params ?? {}) as Prisma.InputJsonValue,
        intervalSeconds: t.intervalSeconds ?? probes?.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
        timeoutMs: t.timeoutMs ?? probes?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        enabled: t.enabled,
        source: "config" as const,
      };
      await tx.probeTarget.upsert({ where: { name: t.name }, create: { name: t.name, ...data }, update: data });
    }
    for (const r of rules) {
      const data = {
        kind: r.kind,
        threshold: r.threshold ?? DEFAULT_FAILURE_THRESHOLD,
        windowSeconds: r.windowSeconds ?? null,
        targetName: r.target ?? null,
        enabled: r.enabled,
        source: "config" as const,
      };
      await tx.probeAlertRule.upsert({ where: { name: r.name }, create: { name: r.name, ...data }, update: data });
    }
    await tx.probeTarget.deleteMany({ where: { source: "config", name: { notIn: targets.map((t) => t.name) } } });
    await tx.probeAlertRule.deleteMany({ where: { source: "config", name: { notIn: rules.map((r) => r.name) } } });
    return { targets: targets.length, rules: rules.length };
  });
}
