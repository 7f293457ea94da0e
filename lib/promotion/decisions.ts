import type { Promotion, PromotionApproval } from "@/lib/db/generated/client";
import type { Principal } from "@/lib/auth/enforce";
import { decide, type Action } from "@/lib/auth/policy";

export const DECISION_VERBS = ["approve", "reject", "override", "retry", "rollback", "run-now"] as const;
export type DecisionVerb = (typeof DECISION_VERBS)[number];

/**
 * Why a decision is refused: "permission" (no role grants it here), "requester" (nobody decides on
 * their own request), "state" (the promotion is not where the decision applies), "decided" (this
 * person already voted), "nothing" (there is nothing for it to do).
 */
export type RefusalKind = "permission" | "requester" | "state" | "decided" | "nothing";

export type Decision = { allowed: true } | { allowed: false; kind: RefusalKind; reason: string; status: 403 | 409 };
export type Decisions = Record<DecisionVerb, Decision>;

export type DecidablePromotion = Pick<Promotion, "number" | "status" | "targetEnv" | "targetRepository" | "targetTag" | "requestedById" | "gatesPassed" | "override" | "previousDigest"> & {
  approvals: Pick<PromotionApproval, "userId">[];
};

const PERMISSION: Record<DecisionVerb, Action> = {
  approve: "promotion.approve",
  reject: "promotion.reject",
  override: "promotion.override",
  // asking again for a failed copy is a request, like the first one
  retry: "promotion.request",
  rollback: "promotion.rollback",
  // running inside a closed change window overrides policy, like overriding a failed gate
  "run-now": "promotion.override",
};

/** The permission a decision needs in the promotion's target environment. */
export const decisionPermission = (verb: DecisionVerb): Action => PERMISSION[verb];

const ok: Decision = { allowed: true };
const refuse = (kind: RefusalKind, reason: string, status: 403 | 409 = kind === "permission" || kind === "requester" ? 403 : 409): Decision => ({ allowed: false, kind, reason, status });

/**
 * Which decisions this person may take on this promotion now, and why not for the others: the one
 * rule read by the services (which refuse with the reason), the promotion page (which shows only the
 * allowed forms) and the REST answer. The services still write through transition(), which refuses
 * a decision the promotion moved away from in the meantime.
 */
export function decisionsFor(p: DecidablePromotion, principal: Pick<Principal, "id" | "grants">): Decisions {
  const decisions = {} as Decisions;
  for (const verb of DECISION_VERBS) {
    const permitted = decide(principal.grants, PERMISSION[verb], { environment: p.targetEnv });
    // A requester learns first that their own request is someone else's to decide, whatever their roles.
    decisions[verb] = permitted.allowed ? stateDecision(verb, p, principal.id) : (ownRequest(verb, p, principal.id) ?? refuse("permission", permitted.message));
  }
  return decisions;
}

function ownRequest(verb: DecisionVerb, p: DecidablePromotion, me: string): Decision | null {
  if (p.status !== "requested" || p.requestedById !== me || (verb !== "approve" && verb !== "reject")) return null;
  return stateDecision(verb, p, me);
}

function stateDecision(verb: DecisionVerb, p: DecidablePromotion, me: string): Decision {
  const awaiting = p.status === "requested" ? null : refuse("state", `promotion #${p.number} is ${p.status}, not awaiting approval`);
  const mine = p.requestedById === me;
  const voted = p.approvals.some((a) => a.userId === me);
  switch (verb) {
    case "approve":
      if (awaiting) return awaiting;
      if (mine) return refuse("requester", "You cannot approve your own promotion request; another approver must.");
      return voted ? refuse("decided", "you have already decided on this promotion") : ok;
    case "reject":
      if (awaiting) return awaiting;
      if (mine) return refuse("requester", "You cannot decide on your own promotion request; another approver must.");
      return voted ? refuse("decided", "you have already decided on this promotion") : ok;
    case "override":
      if (awaiting) return awaiting;
      if (p.gatesPassed) return refuse("nothing", "every gate passed; there is nothing to override");
      if (p.override !== null) return refuse("nothing", "the failed gates have already been overridden");
      return ok;
    case "retry":
      return p.status === "failed" ? ok : refuse("state", `only a failed promotion can be retried; #${p.number} is ${p.status}`);
    case "rollback":
      if (p.status !== "verified") return refuse("state", `only a verified promotion can be rolled back; #${p.number} is ${p.status}`);
      if (!p.previousDigest) return refuse("nothing", `${p.targetRepository}:${p.targetTag} did not exist before promotion #${p.number}; there is no earlier digest to restore`);
      return ok;
    case "run-now":
      return p.status === "scheduled" ? ok : refuse("state", `only a scheduled promotion can be run before its change window opens; #${p.number} is ${p.status}`);
  }
}
