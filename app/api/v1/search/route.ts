import { delegated, withPermission } from "@/lib/auth/route";
import { UserFacingError } from "@/lib/errors";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { searchIndex } from "@/lib/inventory/index/search";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/search?q=…&limit=… — repositories, tags, digests, vulnerability ids (kind "cve": the tags
 * whose digest has it) and config label values (kind "label") matching q, in the environments the
 * caller may see.
 */
export const GET = withPermission<Record<string, never>>(delegated("environment.view"), async ({ url, principal }) => {
  const q = (url.searchParams.get("q") ?? "").trim();
  if (!q || q.length > 256) throw new UserFacingError("invalid request: q must be 1 to 256 characters", "invalid_input");
  const limit = Number(url.searchParams.get("limit") ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new UserFacingError("invalid request: limit must be 1 to 50", "invalid_input");
  const prisma = await getPrisma();
  const r = await searchIndex(prisma, await visibleEnvironments(prisma, principal.grants), q, limit);
  return Response.json({ results: [...r.repositories, ...r.tags, ...r.digests, ...r.cves, ...r.labels] });
});
