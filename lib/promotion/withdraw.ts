import type { Promotion } from "@/lib/db/generated/client";
import { enforce, type Principal } from "@/lib/auth/enforce";
import type { PromotionDeps } from "./deps";
import type { Decision } from "./decisions";
import { PromotionError } from "./errors";
import { refreshEvidence } from "./evidence";
import { recordStep } from "./record";
import { clock } from "./service";
import { transition } from "./transitions";

type Withdrawable = Pick<Promotion, "number" | "status" | "requestedById">;

/**
 * Whether this person may withdraw this request now: only the one who asked, and only while it still
 * awaits approval (once approved the copy may start at any moment; a decided request is decided).
 * Read by the service, which refuses with the reason, and by the page, which shows the form or not.
 */
export function withdrawal(p: Withdrawable, principal: Pick<Principal, "id">): Decision {
  if (p.requestedById !== principal.id) return { allowed: false, kind: "permission", reason: `only the requester can withdraw promotion #${p.number}`, status: 403 };
  if (p.status !== "requested") return { allowed: false, kind: "state", reason: `promotion #${p.number} is ${p.status}; only a request still awaiting approval can be withdrawn`, status: 409 };
  return { allowed: true };
}

/**
 * The requester takes a request back: requested → withdrawn as one compare-and-set (an approval or
 * rejection landing at the same moment wins or loses cleanly, never both), with a timeline entry,
 * an audit row and the evidence saying who ended it.
 */
export async function withdrawPromotion(deps: PromotionDeps, principal: Principal, id: string, reason = ""): Promise<void> {
  const p = await deps.prisma.promotion.findUnique({ where: { id } });
  if (!p) throw new PromotionError(`no promotion ${id}`, "not_found");
  await enforce(deps.prisma, principal, "promotion.view", { environment: p.targetEnv });
  const allowed = withdrawal(p, principal);
  if (!allowed.allowed) throw new PromotionError(allowed.reason, allowed.status === 403 ? "forbidden" : "conflict");
  const now = clock(deps);
  const note = reason.trim();
  await deps.prisma.$transaction(async (tx) => {
    await transition(tx, p.id, ["requested"], "withdrawn", { finishedAt: now });
    await recordStep(tx, p, { kind: "withdraw", actor: principal, message: `withdrawn by the requester${note ? `: ${note}` : ""}` });
    await refreshEvidence(tx, p.id, { decision: { outcome: "withdrawn", by: principal.email, at: now.toISOString(), ...(note ? { note } : {}) } }, now);
  });
}
