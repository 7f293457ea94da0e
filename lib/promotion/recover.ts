import type { PrismaClient } from "@/lib/db/generated/client";
import { recordStep } from "./record";

/**
 * A promotion left "copying" by a process that died would wait forever. Its runner writes progress
 * several times a second, so one silent for longer than staleMs is marked failed; a retry resumes it
 * (blobs already in the target are skipped).
 */
export async function failInterruptedPromotions(prisma: PrismaClient, staleMs = 5 * 60_000): Promise<number> {
  const stale = await prisma.promotion.findMany({ where: { status: "copying", updatedAt: { lt: new Date(Date.now() - staleMs) } } });
  for (const p of stale) {
    await prisma.$transaction(async (tx) => {
      const moved = await tx.promotion.updateMany({ where: { id: p.id, status: "copying", updatedAt: p.updatedAt }, data: { status: "failed", errorKind: "interrupted", error: "the copy was interrupted (the server stopped while copying); retry to resume", finishedAt: new Date() } });
      if (moved.count === 1) await recordStep(tx, p, { kind: "failed", actor: null, outcome: "failure", message: "copy interrupted by a server restart; retry to resume" });
    });
  }
  return stale.length;
}
