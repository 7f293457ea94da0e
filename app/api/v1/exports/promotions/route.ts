import { z } from "zod";
import { PromotionStatus } from "@/lib/db/generated/client";
import { delegated, queryInput, withPermission } from "@/lib/auth/route";
import { exportResponse } from "@/lib/export/response";
import { promotionColumns, promotionRows } from "@/lib/export/sources";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const query = z.object({
  status: z.enum(Object.values(PromotionStatus) as [PromotionStatus, ...PromotionStatus[]]).optional(),
  format: z.enum(["csv", "json"]).default("csv"),
});

/**
 * GET ?status=&format=csv|json: every promotion the caller may view (promotion.view on its target
 * environment, decided per row on the server as the list page does), newest first, streamed.
 */
export const GET = withPermission(delegated("promotion.view"), async ({ principal, url }) => {
  const q = queryInput(url, query);
  const rows = promotionRows(await getPrisma(), principal.grants, q.status ? { status: q.status } : {});
  return exportResponse({ format: q.format, filename: q.status ? `promotions-${q.status}` : "promotions", columns: promotionColumns, rows });
});
