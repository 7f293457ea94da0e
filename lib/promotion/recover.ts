import type { PrismaClient } from "@/lib/db/generated/client";
import { recordStep } from "./record";
import { StatusConflict, transition } from "./transitions";

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
    try {
      await prisma.$transaction(async (tx) => {
        // only if nothing touched it since we looked: a runner that is alive after all wins
        await transition(
          tx,
          p.id,
          ["copying"],
          "failed",
          { errorKind: "interrupted", error: `the copy made no progress for over ${minutes} min: the server running it stopped; retry to resume`, finishedAt: new Date() },
          { unchangedSince: p.updatedAt },
        );
        await recordStep(tx, p, { kind: "failed", actor: null, outcome: "failure", message: `copy interrupted: no progress for over ${minutes} min (the server running it stopped); retry to resume` });
      });
      marked++;
    } catch (err) {
      if (!(err instanceof StatusConflict)) throw err;
    }
  }
  return marked;
}
