/**
 * Mirrors `exceptions.entries` of dockmaster.yaml into the ledger, like lib/config/sync.ts does for
 * registries: entries from the file are upserted (source "config", read-only in the UI and the API)
 * and those the file no longer declares are removed. Exceptions added in the UI are left alone.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ExceptionsConfig } from "./config-schema";

type Entry = ExceptionsConfig["entries"][number];

/** What identifies an entry across restarts: its subject and scope (reason, owner and expiry may change). */
export function configKeyOf(e: Pick<Entry, "cveId" | "packageName" | "scope" | "registry" | "repository" | "digest" | "environment">): string {
  return [e.cveId ? `cve:${e.cveId}` : `package:${e.packageName}`, e.scope, e.registry ?? "", e.repository ?? "", e.digest ?? "", e.environment ?? ""].join("|");
}

export async function syncExceptionConfig(prisma: PrismaClient, cfg: { exceptions?: ExceptionsConfig }): Promise<number> {
  const entries = cfg.exceptions?.entries ?? [];
  return prisma.$transaction(async (tx) => {
    const keys: string[] = [];
    for (const e of entries) {
      const configKey = configKeyOf(e);
      keys.push(configKey);
      const data = { ...e, approvedBy: e.approvedBy ?? "dockmaster.yaml", createdBy: "dockmaster.yaml", source: "config" as const };
      // an entry whose expiry moved is a new acceptance: its expiry is audited (and announced) again
      const prev = await tx.cveException.findUnique({ where: { configKey }, select: { expiresAt: true } });
      const moved = prev !== null && prev.expiresAt.getTime() !== e.expiresAt.getTime();
      await tx.cveException.upsert({ where: { configKey }, create: { ...data, configKey }, update: { ...data, ...(moved ? { expiredNotedAt: null, warnedAt: null } : {}) } });
    }
    await tx.cveException.deleteMany({ where: { source: "config", configKey: { notIn: keys } } });
    return entries.length;
  });
}
