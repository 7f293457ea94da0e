import { delegated, withPermission } from "@/lib/auth/route";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { evidenceFile } from "@/lib/promotion/evidence";
import { getPromotion } from "@/lib/promotion/service";

export const dynamic = "force-dynamic";

/**
 * GET: the promotion's evidence document (the evaluated policy), as a download named
 * promotion-<n>-evidence.json. getPromotion checks promotion.view in the target environment.
 */
export const GET = withPermission<{ id: string }>(delegated("promotion.view"), async ({ principal, params }) => {
  const file = evidenceFile(await getPromotion(await promotionDeps(), principal, params.id));
  return new Response(file.body, { headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="${file.name}"`, "cache-control": "no-store" } });
});
