/**
 * A ProtectionCheck that works on its own, from the database as it is now: a digest tagged in a
 * protected environment ("running in prod"), or named by a promotion that is still open, or one that
 * finished within `recentPromotionDays` (its target may be rolled back to it). The planning side may
 * swap in its fuller rules (signatures, pinned digests…) through the same interface.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ProtectionCheck } from "./protection-check";

const OPEN_PROMOTION = ["requested", "approved", "scheduled", "copying"] as const;

export interface LiveProtectionOptions {
  /** a promotion that finished (verified) this recently still protects its digest; default 7, 0 turns it off */
  recentPromotionDays?: number;
  now?: () => Date;
}

export function liveProtectionCheck(prisma: PrismaClient, options: LiveProtectionOptions = {}): ProtectionCheck {
  const recentDays = options.recentPromotionDays ?? 7;
  const now = options.now ?? (() => new Date());
  return async (q) => {
    const protectedEnvs = await prisma.environment.findMany({ where: { protected: true }, select: { name: true }, orderBy: { order: "desc" } });
    if (protectedEnvs.length) {
      // the plan's own repository in its own environment is what is being pruned: its other tags are
      // the plan's business (execution checks them separately); elsewhere, any tag of the digest protects it
      const running = await prisma.inventoryTag.findFirst({
        where: {
          digest: q.digest,
          environment: { in: protectedEnvs.map((e) => e.name) },
          NOT: { environment: q.environment, repository: q.repository },
        },
        select: { environment: true, repository: true, tag: true },
      });
      if (running) return `running in ${running.environment} (${running.repository}:${running.tag})`;
    }
    const open = await prisma.promotion.findFirst({ where: { digest: q.digest, status: { in: [...OPEN_PROMOTION] } }, select: { number: true }, orderBy: { number: "desc" } });
    if (open) return `open promotion #${open.number}`;
    if (recentDays > 0) {
      const since = new Date(now().getTime() - recentDays * 86_400_000);
      const recent = await prisma.promotion.findFirst({ where: { digest: q.digest, status: "verified", finishedAt: { gte: since } }, select: { number: true, targetEnv: true }, orderBy: { number: "desc" } });
      if (recent) return `recent promotion #${recent.number} to ${recent.targetEnv}`;
    }
    return null;
  };
}
