/**
 * The whole dockmaster.yaml: the config's own sections (lib/config: registries, environments) plus
 * those of the features above it (lib/probe: probes; lib/exceptions: the CVE exception ledger). Assembled here, at the wiring level, so that
 * lib/config imports no feature.
 */
import { loadConfig, parseConfig } from "@/lib/config/load";
import { configSchema } from "@/lib/config/schema";
import { checkExceptionReferences, exceptionsConfig } from "@/lib/exceptions/config-schema";
import { checkProbeReferences, probesConfig } from "@/lib/probe/config-schema";

const appConfigSchema = configSchema.safeExtend({ probes: probesConfig.optional(), exceptions: exceptionsConfig.optional() }).superRefine((cfg, ctx) => {
  checkProbeReferences(cfg, ctx);
  checkExceptionReferences(cfg, ctx);
});

export type AppConfig = typeof appConfigSchema._output;

type Env = Record<string, string | undefined>;

export function parseAppConfig(text: string, file?: string, env?: Env): AppConfig {
  return parseConfig(text, file, env, appConfigSchema);
}

export function loadAppConfig(file?: string, env?: Env): Promise<AppConfig> {
  return loadConfig(file, env, appConfigSchema);
}
