import { delegated, withPermission } from "@/lib/auth/route";
import { approvalStanding } from "@/lib/promotion/approval-policy";
import { decisionsFor } from "@/lib/promotion/decisions";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { getPromotion, groupDirectory } from "@/lib/promotion/service";
import { promotionJson } from "@/lib/promotion/view";

export const dynamic = "force-dynamic";

/**
 * GET: status, gates, approvals (and, per group, who counted and what is still owed), progress,
 * timeline and the caller's possible decisions of one promotion (by id or #number).
 */
export const GET = withPermission<{ id: string }>(delegated("promotion.view"), async ({ principal, params }) => {
  const deps = await promotionDeps();
  const p = await getPromotion(deps, principal, params.id);
  const standing = await approvalStanding(groupDirectory(deps), p, p.approvals);
  return Response.json({ ...promotionJson(p), decisions: decisionsFor(p, principal), approvals: p.approvals, approvalStanding: standing, events: p.events.map((e) => ({ ...e, id: e.id.toString() })) });
});
