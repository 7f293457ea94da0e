import type { PrismaClient } from "@/lib/db/generated/client";
import { recordStep } from "./record";

/**
 * A promotion left "copying" by a process that died would wait forever. Its runner writes progress
 * several times a second while bytes move, so one silent for longer than staleMs is marked failed;
 * a retry resumes it (blobs already in the target are skipped). Runs at start-up and with the
 * periodic maintenance, so a replica that crashed and never came back is noticed too.
 * Returns how many were marked.
 */
export async function failInterruptedPromotions(prisma: PrismaClient, staleMs = 5 * 60_000): Promise<number> {
  const stale = await prisma.promotion.findMany({ where: { status: "copying", updatedAt: { lt: new Date(Date.now() - staleMs) } } });
  const minutes = Math.max(1, Math.round(staleMs / 60_000));
  let marked = 0;
  for (const p of stale) {
    await prisma.$transaction(async (tx) => {
      // only if nothing touched it since we looked: a runner that is alive after all wins
      const moved = await tx.promotion.updateMany({
        where: { id: p.id, status: "copying", updatedAt: p.updatedAt },
        data: { status: "failed", errorKind: "interrupted", error: `the copy made no progress for over ${minutes} min: the server running it stopped; retry to resume`, finishedAt: new Date() },
      });
      if (moved.count !== 1) return;
      marked++;
      await recordStep(tx, p, { kind: "failed", actor: null, outcome: "failure", message: `copy interrupted: no progress for over ${minutes} min (the server running it stopped); retry to resume` });
    });
  }
  return marked;
}
