import { enforce, type Principal } from "@/lib/auth/enforce";
import type { PromotionDeps } from "./deps";
import { decisionPermission, decisionsFor, type DecidablePromotion, type DecisionVerb } from "./decisions";
import { PromotionError } from "./errors";
import { recordStep } from "./record";

/**
 * Refuses a decision decisionsFor() does not allow, with its reason: a missing permission through
 * enforce() (audited as permission.denied), a requester deciding on their own request as a denied
 * step of the promotion, anything else as a 409 naming the promotion's state.
 */
export async function requireDecision(deps: PromotionDeps, principal: Principal, p: DecidablePromotion & { id: string }, verb: DecisionVerb): Promise<void> {
  await enforce(deps.prisma, principal, decisionPermission(verb), { environment: p.targetEnv });
  const decision = decisionsFor(p, principal)[verb];
  if (decision.allowed) return;
  if (decision.kind === "requester") {
    await recordStep(deps.prisma, p, { kind: verb, actor: principal, outcome: "denied", message: `refused: the requester cannot ${verb} their own promotion` });
  }
  throw new PromotionError(decision.reason, decision.status);
}
