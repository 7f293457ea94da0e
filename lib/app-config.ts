/**
 * The whole dockmaster.yaml: the config's own sections (lib/config: registries, environments) plus
 * those of the features above it (lib/probe: probes; lib/exceptions: the CVE exception ledger;
 * lib/audit/forward: audit sinks, each watched by a probe), and
 * what features load from it at start-up (lib/signature: each environment's signature keys and trust
 * store). Assembled here, at the wiring level, so that lib/config imports no feature.
 */
import path from "node:path";
import { z } from "zod";
import { auditConfig, type AuditConfig } from "@/lib/audit/forward/config";
import { authConfig } from "@/lib/auth/config-schema";
import { accessRule } from "@/lib/auth/identity-config";
import { configPath, loadConfig, parseConfig } from "@/lib/config/load";
import { configSchema } from "@/lib/config/schema";
import { checkExceptionReferences, exceptionsConfig } from "@/lib/exceptions/config-schema";
import { checkProbeReferences, probesConfig, type ProbesConfig } from "@/lib/probe/config-schema";
import { retentionExecutionConfig } from "@/lib/retention/execute-config";
import type { SignatureTrust } from "@/lib/signature/discover";
import { loadSignatureTrust } from "@/lib/signature/trust";

type Env = Record<string, string | undefined>;

/**
 * `env` resolves ${VARS} in signature keys; `baseDir` (the config file's folder) resolves relative
 * key paths. Problems are zod issues at the key's path, so they name its dockmaster.yaml line.
 */
function appConfigSchema(env: Env, baseDir: string) {
  return configSchema
    .safeExtend({
      probes: probesConfig.optional(),
      exceptions: exceptionsConfig.optional(),
      audit: auditConfig.optional(),
      auth: authConfig.optional(),
      access: z.array(accessRule).default([]),
      retention: retentionExecutionConfig.optional(),
    })
    .superRefine((cfg, ctx) => {
      checkProbeReferences(cfg, ctx);
      checkExceptionReferences(cfg, ctx);
      const environments = new Set(cfg.environments.map((e) => e.name));
      cfg.access.forEach((r, i) => {
        if (r.environment && !environments.has(r.environment)) ctx.addIssue({ code: "custom", path: ["access", i, "environment"], message: `refers to environment "${r.environment}", which is not declared under environments` });
      });
      const sinks = new Set((cfg.audit?.forward ?? []).map((s) => s.name));
      cfg.probes?.targets.forEach((t, i) => {
        if (t.kind === "audit_forwarding" && typeof t.sink === "string" && !sinks.has(t.sink)) {
          ctx.addIssue({ code: "custom", path: ["probes", "targets", i, "sink"], message: `refers to audit sink "${t.sink}", which is not declared under audit.forward` });
        }
      });
    })
    .transform((cfg, ctx) => {
      const signatureTrust = new Map<string, SignatureTrust>();
      cfg.environments.forEach((e, i) => {
        if (!e.gates?.signature) return;
        const report = (at: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: at, message });
        signatureTrust.set(e.name, loadSignatureTrust(e.gates.signature, ["environments", i, "gates", "signature"], { env, baseDir }, report));
      });
      return { ...cfg, probes: withAuditForwardingProbes(cfg.probes, cfg.audit), signatureTrust };
    });
}

/** how often a sink's forwarding is checked: its alert opens within alertAfterMinutes + a few of these */
const AUDIT_PROBE_INTERVAL_SECONDS = 20;

/**
 * Each audit sink is watched by an audit_forwarding probe (unless the file declares one for it), so a
 * sink failing for its alertAfterMinutes opens an alert through the probes' rules, webhook and pages.
 */
function withAuditForwardingProbes(probes: ProbesConfig | undefined, audit: AuditConfig | undefined): ProbesConfig | undefined {
  const sinks = audit?.forward ?? [];
  if (!sinks.length) return probes;
  const base = probes ?? probesConfig.parse({});
  const watched = new Set(base.targets.filter((t) => t.kind === "audit_forwarding").map((t) => t.sink));
  const added = sinks
    .filter((s) => !watched.has(s.name))
    .map((s) => ({ name: `audit-forward-${s.name}`.slice(0, 63), kind: "audit_forwarding" as const, sink: s.name, failingMinutes: s.alertAfterMinutes, intervalSeconds: AUDIT_PROBE_INTERVAL_SECONDS, enabled: true }));
  return { ...base, targets: [...base.targets, ...added] };
}

export type AppConfig = ReturnType<typeof appConfigSchema>["_output"];

export function parseAppConfig(text: string, file = "dockmaster.yaml", env: Env = process.env): AppConfig {
  return parseConfig(text, file, env, appConfigSchema(env, path.dirname(path.resolve(file))));
}

export function loadAppConfig(file = configPath(), env: Env = process.env): Promise<AppConfig> {
  return loadConfig(file, env, appConfigSchema(env, path.dirname(path.resolve(file))));
}
