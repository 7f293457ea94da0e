import { z } from "zod";
import { quotaSource } from "@/lib/registry";
import { UNSUPPORTED } from "../types";
import { defineProbeKind } from "./spec";

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * How full a project's storage quota is, where the registry keeps quotas (Harbor projects). The
 * percentage is the measure quota_percent alerts compare; an unlimited quota has none, and a quota
 * this account may not read is "unknown", a failure to fix rather than a green light.
 */
export const storageQuota = defineProbeKind({
  kind: "storage_quota",
  label: "Storage quota",
  registry: "required",
  params: z.strictObject({
    project: z.string().min(1).describe("the Harbor project (namespace) whose quota is read"),
  }),
  form: [{ name: "project", label: "Project / namespace", placeholder: "prod" }],
  alerts: ["consecutive_failures", "quota_percent"],
  async run(target, { project }, ctx) {
    const provider = await ctx.provider(target.registryName!, { timeoutMs: target.timeoutMs });
    const source = quotaSource(provider);
    if (!source) {
      return { ok: false, errorClass: UNSUPPORTED, message: `registry ${target.registryName} (kind ${provider.kind}) keeps no storage quotas` };
    }
    const quota = await source.storageQuota(project);
    if (quota.kind === "unknown") return { ok: false, errorClass: "unknown", message: quota.reason, detail: { project, quota: "unknown" } };
    if (quota.kind === "unlimited") return { ok: true, detail: { project, quota: "unlimited", ...(quota.usedBytes !== undefined ? { usedBytes: quota.usedBytes } : {}) } };
    const percent = quota.limitBytes > 0 ? (quota.usedBytes / quota.limitBytes) * 100 : quota.usedBytes > 0 ? 100 : 0;
    return { ok: true, value: percent, detail: { project, quota: "limited", usedBytes: quota.usedBytes, limitBytes: quota.limitBytes, percent: round(percent) } };
  },
});
