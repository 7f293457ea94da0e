import type { PrismaClient } from "@/lib/db/generated/client";
import type { ExceptionRule } from "./apply";

/**
 * The ledger entries that may apply at `now` (not revoked, not expired). Callers still judge with
 * the same `now`, so the answer holds even if an entry expires between this read and the decision.
 */
export function activeExceptionRules(prisma: Pick<PrismaClient, "cveException">, now: Date): Promise<ExceptionRule[]> {
  return prisma.cveException.findMany({ where: { revokedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: "asc" } });
}
