/**
 * The whole dockmaster.yaml: the config's own sections (lib/config: registries, environments) plus
 * those of the features above it (lib/probe: probes; lib/exceptions: the CVE exception ledger), and
 * what features load from it at start-up (lib/signature: each environment's signature keys and trust
 * store). Assembled here, at the wiring level, so that lib/config imports no feature.
 */
import path from "node:path";
import { configPath, loadConfig, parseConfig } from "@/lib/config/load";
import { configSchema } from "@/lib/config/schema";
import { checkExceptionReferences, exceptionsConfig } from "@/lib/exceptions/config-schema";
import { checkProbeReferences, probesConfig } from "@/lib/probe/config-schema";
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
    .safeExtend({ probes: probesConfig.optional(), exceptions: exceptionsConfig.optional(), retention: retentionExecutionConfig.optional() })
    .superRefine((cfg, ctx) => {
      checkProbeReferences(cfg, ctx);
      checkExceptionReferences(cfg, ctx);
    })
    .transform((cfg, ctx) => {
      const signatureTrust = new Map<string, SignatureTrust>();
      cfg.environments.forEach((e, i) => {
        if (!e.gates?.signature) return;
        const report = (at: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: at, message });
        signatureTrust.set(e.name, loadSignatureTrust(e.gates.signature, ["environments", i, "gates", "signature"], { env, baseDir }, report));
      });
      return { ...cfg, signatureTrust };
    });
}

export type AppConfig = ReturnType<typeof appConfigSchema>["_output"];

export function parseAppConfig(text: string, file = "dockmaster.yaml", env: Env = process.env): AppConfig {
  return parseConfig(text, file, env, appConfigSchema(env, path.dirname(path.resolve(file))));
}

export function loadAppConfig(file = configPath(), env: Env = process.env): Promise<AppConfig> {
  return loadConfig(file, env, appConfigSchema(env, path.dirname(path.resolve(file))));
}
