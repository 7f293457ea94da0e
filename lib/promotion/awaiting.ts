import type { PrismaClient } from "@/lib/db/generated/client";
import type { Principal } from "@/lib/auth/enforce";
import { decisionsFor, type DecidablePromotion } from "./decisions";

/** A promotion awaits my decision when I may approve it now (the queue on /promotions uses the same rule). */
export const awaitsDecisionOf = (p: DecidablePromotion, me: Pick<Principal, "id" | "grants">): boolean => decisionsFor(p, me).approve.allowed;

/** How many promotions await my decision: the badge in the navigation and on the home page. */
export async function countAwaitingMyDecision(prisma: PrismaClient, me: Pick<Principal, "id" | "grants">): Promise<number> {
  const open = await prisma.promotion.findMany({
    where: { status: "requested" },
    select: { number: true, status: true, targetEnv: true, targetRepository: true, targetTag: true, requestedById: true, gatesPassed: true, override: true, previousDigest: true, approvals: { select: { userId: true } } },
  });
  return open.filter((p) => awaitsDecisionOf(p, me)).length;
}
