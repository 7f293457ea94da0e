import { z } from "zod";
import { delegated, jsonBody, withPermission } from "@/lib/auth/route";
import { NotFoundError } from "@/lib/errors";
import { DECISION_VERBS, decisionPermission, type DecisionVerb } from "@/lib/promotion/decisions";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { rollbackPromotion } from "@/lib/promotion/execute";
import { runNow } from "@/lib/promotion/scheduled";
import { approvePromotion, decisionFields, getPromotion, overrideGates, rejectPromotion, retryPromotion } from "@/lib/promotion/service";
import { promotionJson } from "@/lib/promotion/view";
import { withdrawPromotion } from "@/lib/promotion/withdraw";

export const dynamic = "force-dynamic";

// an absent body is an empty one: retry needs none, and the others say what is missing
const body = z.object(decisionFields).prefault({});

/**
 * POST /api/v1/promotions/:id/{approve|reject|override|retry|rollback|run-now|withdraw}. Each verb's permission is
 * checked by its service against the promotion's own target environment (withdraw: the requester only).
 */
const isVerb = (v: string): v is DecisionVerb => (DECISION_VERBS as readonly string[]).includes(v);

// an unknown verb is a 404 from the handler; a token still needs read access to learn that
export const POST = withPermission<{ id: string; verb: string }>(delegated(({ verb }) => (isVerb(verb) ? decisionPermission(verb) : "promotion.view")), async ({ principal, params, request }) => {
  const deps = await promotionDeps();
  const input = await jsonBody(request, body);
  const id = (await getPromotion(deps, principal, params.id)).id;
  switch (params.verb) {
    case "approve":
      await approvePromotion(deps, principal, id, input.comment);
      break;
    case "reject":
      await rejectPromotion(deps, principal, id, input.reason);
      break;
    case "override":
      await overrideGates(deps, principal, id, input.justification);
      break;
    case "retry":
      await retryPromotion(deps, principal, id);
      break;
    case "rollback":
      await rollbackPromotion(deps, principal, id, input.reason);
      break;
    case "run-now":
      await runNow(deps, principal, id, input.justification);
      break;
    case "withdraw":
      await withdrawPromotion(deps, principal, id, input.reason);
      break;
    default:
      throw new NotFoundError(`unknown action ${params.verb}; use approve, reject, override, retry, rollback, run-now or withdraw`);
  }
  return Response.json(promotionJson(await getPromotion(deps, principal, id)));
});
