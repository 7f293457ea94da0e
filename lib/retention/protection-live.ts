/**
 * A ProtectionCheck that works on its own, from the database as it is now: a digest tagged in a
 * protected environment ("running in prod"), or named by a promotion that is still open, or one that
 * finished within `recentPromotionDays` (its target may be rolled back to it). The planning side may
 * swap in its fuller rules (signatures, pinned digests…) through the same interface.
 *
 * One query per check: it runs right before every deletion of a 10,000-item plan.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ProtectionCheck } from "./protection-check";

export interface LiveProtectionOptions {
  /** a promotion that finished (verified) this recently still protects its digest; default 7, 0 turns it off */
  recentPromotionDays?: number;
  now?: () => Date;
}

interface Hit {
  kind: "running" | "open" | "recent";
  environment: string | null;
  repository: string | null;
  tag: string | null;
  number: number | null;
}

export function liveProtectionCheck(prisma: PrismaClient, options: LiveProtectionOptions = {}): ProtectionCheck {
  const recentDays = options.recentPromotionDays ?? 7;
  const now = options.now ?? (() => new Date());
  return async (q) => {
    const since = recentDays > 0 ? new Date(now().getTime() - recentDays * 86_400_000) : null;
    // the plan's own repository in its own environment is what is being pruned: its other tags are the
    // plan's business (execution checks them separately); anywhere else, a tag of the digest in a
    // protected environment protects it
    const hits = await prisma.$queryRawUnsafe<Hit[]>(
      `(SELECT 'running' AS kind, t."environment", t."repository", t."tag", NULL::int AS number
          FROM "InventoryTag" t JOIN "Environment" e ON e."name" = t."environment" AND e."protected"
         WHERE t."digest" = $1 AND NOT (t."environment" = $2 AND t."repository" = $3)
         ORDER BY e."order" DESC, t."repository", t."tag" LIMIT 1)
       UNION ALL
       (SELECT 'open', p."targetEnv", p."targetRepository", p."targetTag", p."number" FROM "Promotion" p
         WHERE p."digest" = $1 AND p."status" IN ('requested', 'approved', 'scheduled', 'copying')
         ORDER BY p."number" DESC LIMIT 1)
       UNION ALL
       (SELECT 'recent', p."targetEnv", p."targetRepository", p."targetTag", p."number" FROM "Promotion" p
         WHERE p."digest" = $1 AND p."status" = 'verified' AND $4::timestamp IS NOT NULL AND p."finishedAt" >= $4::timestamp
         ORDER BY p."number" DESC LIMIT 1)`,
      q.digest,
      q.environment,
      q.repository,
      since ? since.toISOString().replace("T", " ").replace("Z", "") : null,
    );
    const running = hits.find((h) => h.kind === "running");
    if (running) return `running in ${running.environment} (${running.repository}:${running.tag})`;
    const open = hits.find((h) => h.kind === "open");
    if (open) return `open promotion #${open.number}`;
    const recent = hits.find((h) => h.kind === "recent");
    if (recent) return `recent promotion #${recent.number} to ${recent.environment}`;
    return null;
  };
}
