import { withPermission } from "@/lib/auth/route";
import { decisionsFor } from "@/lib/promotion/decisions";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { getPromotion } from "@/lib/promotion/service";
import { promotionJson } from "@/lib/promotion/view";

export const dynamic = "force-dynamic";

/** GET: status, gates, approvals, progress, timeline and the caller's possible decisions of one promotion (by id or #number). */
export const GET = withPermission<{ id: string }>(null, async ({ principal, params }) => {
  const p = await getPromotion(await promotionDeps(), principal, params.id);
  return Response.json({ ...promotionJson(p), decisions: decisionsFor(p, principal), approvals: p.approvals, events: p.events.map((e) => ({ ...e, id: e.id.toString() })) });
});
