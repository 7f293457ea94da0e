import { delegated, jsonBody, withPermission } from "@/lib/auth/route";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { listPromotions, promotionRequest, requestPromotion } from "@/lib/promotion/service";
import { promotionJson } from "@/lib/promotion/view";

export const dynamic = "force-dynamic";

/** GET: promotions the caller may see. Each promotion's own permission is checked in the service. */
export const GET = withPermission(delegated("promotion.view"), async ({ principal }) => {
  const lists = await listPromotions(await promotionDeps(), principal);
  return Response.json({ awaitingMe: lists.awaitingMe.map(promotionJson), mine: lists.mine.map(promotionJson), recent: lists.recent.map(promotionJson) });
});

/** POST {sourceEnv, repository, reference, targetEnv, tag, reason}: request a promotion (201). */
export const POST = withPermission(delegated("promotion.request"), async ({ principal, request }) => {
  const p = await requestPromotion(await promotionDeps(), principal, await jsonBody(request, promotionRequest));
  return Response.json(promotionJson(p), { status: 201, headers: { location: `/api/v1/promotions/${p.id}` } });
});
