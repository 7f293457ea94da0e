/**
 * The `probes:` section of dockmaster.yaml. Added to the config's own sections in lib/app-config.ts
 * (lib/config knows nothing of probes); cross-references (registries, environments, target names) are
 * checked there once the whole file is parsed. A target's kind-specific settings are its kind's
 * (kinds/*.ts), written beside name/kind/registry.
 */
import { z } from "zod";
import { configName, ENV_REF } from "@/lib/config/names";
import { checkTarget } from "./kinds/check";
import { probeKinds, probeKindSpec } from "./kinds";
import { alertKinds } from "./types";

export const MIN_INTERVAL_SECONDS = 5;
export const DEFAULT_INTERVAL_SECONDS = 60;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** "N consecutive failures (default 3, as in the seeds)" */
export const DEFAULT_FAILURE_THRESHOLD = 3;

const targetFields = {
  name: configName,
  kind: z.enum(probeKinds),
  registry: z.string().optional(),
  intervalSeconds: z.number().int().min(MIN_INTERVAL_SECONDS).max(86_400).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
  enabled: z.boolean().default(true),
};

/** The settings of a target entry that are its kind's own (everything but the common fields). */
export function targetParams(t: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(t).filter(([k]) => !(k in targetFields)));
}

const probeTargetConfig = z
  .object(targetFields)
  .catchall(z.unknown())
  .superRefine((t, ctx) => {
    const { problems } = checkTarget(probeKindSpec(t.kind)!, { registry: t.registry, params: targetParams(t) });
    for (const p of problems) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  });

export const alertRuleConfig = z
  .strictObject({
    name: configName,
    kind: z.enum(alertKinds),
    threshold: z.number().positive().optional(),
    /** p99_latency: look-back window (default 15 minutes) */
    windowSeconds: z.number().int().min(60).max(7 * 86_400).optional(),
    /** one target by name; omitted: every target the kind applies to */
    target: z.string().optional(),
    enabled: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.kind !== "consecutive_failures" && r.threshold === undefined) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: `is required for kind ${r.kind}` });
    }
    if (r.kind === "consecutive_failures" && r.threshold !== undefined && !Number.isInteger(r.threshold)) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: "must be a whole number of failures" });
    }
  });

export const probesConfig = z.strictObject({
  intervalSeconds: z.number().int().min(MIN_INTERVAL_SECONDS).max(86_400).default(DEFAULT_INTERVAL_SECONDS),
  timeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS),
  retention: z
    .strictObject({
      rawDays: z.number().int().min(1).max(365).default(7),
      rollupDays: z.number().int().min(1).max(3650).default(400),
    })
    .prefault({}),
  /** alert notifications; a URL carrying a token should be a ${ENV_VAR} reference */
  webhook: z
    .strictObject({
      url: z.string().refine((v) => ENV_REF.test(v) || /^https?:\/\/\S+$/.test(v), "must be an http(s) URL or a ${ENV_VAR} reference"),
    })
    .optional(),
  targets: z.array(probeTargetConfig).default([]),
  /** omitted: one rule, three consecutive failures on any target */
  alerts: z.array(alertRuleConfig).optional(),
});

export type ProbesConfig = z.infer<typeof probesConfig>;
export type AlertRuleConfig = z.infer<typeof alertRuleConfig>;

interface RefContext {
  addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void;
}

/** Names used under probes: must exist elsewhere in the file, and be unique. */
export function checkProbeReferences(
  cfg: { registries: { name: string }[]; environments: { name: string }[]; probes?: ProbesConfig },
  ctx: RefContext,
): void {
  const p = cfg.probes;
  if (!p) return;
  const registries = new Set(cfg.registries.map((r) => r.name));
  const environments = new Set(cfg.environments.map((e) => e.name));
  const targets = new Set<string>();
  p.targets.forEach((t, i) => {
    if (targets.has(t.name)) ctx.addIssue({ code: "custom", path: ["probes", "targets", i, "name"], message: `duplicate probe target name "${t.name}"` });
    targets.add(t.name);
    if (t.registry !== undefined && !registries.has(t.registry)) {
      ctx.addIssue({ code: "custom", path: ["probes", "targets", i, "registry"], message: `refers to registry "${t.registry}", which is not declared under registries` });
    }
    const envs = targetParams(t).environments;
    (Array.isArray(envs) ? envs : []).forEach((e, j) => {
      if (!environments.has(e)) ctx.addIssue({ code: "custom", path: ["probes", "targets", i, "environments", j], message: `refers to environment "${e}", which is not declared under environments` });
    });
  });
  const rules = new Set<string>();
  p.alerts?.forEach((r, i) => {
    if (rules.has(r.name)) ctx.addIssue({ code: "custom", path: ["probes", "alerts", i, "name"], message: `duplicate alert rule name "${r.name}"` });
    rules.add(r.name);
    if (r.target !== undefined && !targets.has(r.target)) {
      ctx.addIssue({ code: "custom", path: ["probes", "alerts", i, "target"], message: `refers to probe target "${r.target}", which is not declared under probes.targets` });
    }
  });
}
