import type { RegistryProvider } from "@/lib/registry";
import type { ProbeContext } from "../context";
import { UNSUPPORTED, type ProbeOutcome, type ProbeTargetSpec } from "../types";

/**
 * What a provider offers to report quota (Harbor project quotas, system volumes). None of the current
 * providers does yet; the probe picks it up as soon as one implements it, and says so plainly until then.
 */
export interface QuotaReader {
  getQuota(project?: string): Promise<{ usedBytes: number; limitBytes: number | null; scope: string }>;
}

function quotaReader(p: RegistryProvider): QuotaReader | undefined {
  return typeof (p as Partial<QuotaReader>).getQuota === "function" ? (p as unknown as QuotaReader) : undefined;
}

export async function storageQuota(target: ProbeTargetSpec, ctx: ProbeContext): Promise<Omit<ProbeOutcome, "latencyMs">> {
  const provider = await ctx.provider(target.registryName!, { timeoutMs: target.timeoutMs });
  const reader = quotaReader(provider);
  if (!reader) {
    return {
      ok: false,
      errorClass: UNSUPPORTED,
      message: `registry ${target.registryName} (kind ${provider.kind}) exposes no quota API; quotas are read from Harbor projects once its provider supports them`,
    };
  }
  const q = await reader.getQuota(target.params.project);
  if (!q.limitBytes) return { ok: true, detail: { ...q, unlimited: true } };
  const percent = (q.usedBytes / q.limitBytes) * 100;
  return { ok: true, value: percent, detail: { ...q, percent: Math.round(percent * 10) / 10 } };
}
