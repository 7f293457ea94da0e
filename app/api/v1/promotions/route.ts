import { withPermission } from "@/lib/auth/route";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { PromotionError } from "@/lib/promotion/errors";
import { listPromotions, promotionRequest, requestPromotion } from "@/lib/promotion/service";
import { promotionJson } from "@/lib/promotion/view";

export const dynamic = "force-dynamic";

/** GET: promotions the caller may see. Each promotion's own permission is checked in the service. */
export const GET = withPermission(null, async ({ principal }) => {
  const lists = await listPromotions(await promotionDeps(), principal);
  return Response.json({ awaitingMe: lists.awaitingMe.map(promotionJson), mine: lists.mine.map(promotionJson), recent: lists.recent.map(promotionJson) });
});

/** POST {sourceEnv, repository, reference, targetEnv, tag, reason}: request a promotion (201). */
export const POST = withPermission(null, async ({ principal, request }) => {
  const body = await request.json().catch(() => null);
  const parsed = promotionRequest.safeParse(body);
  if (!parsed.success) throw new PromotionError(`invalid request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, 400);
  const p = await requestPromotion(await promotionDeps(), principal, parsed.data);
  return Response.json(promotionJson(p), { status: 201, headers: { location: `/api/v1/promotions/${p.id}` } });
});
