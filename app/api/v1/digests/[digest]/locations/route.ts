import { delegated, withPermission } from "@/lib/auth/route";
import { UserFacingError } from "@/lib/errors";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { digestLocations } from "@/lib/inventory/index/reads";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** GET /api/v1/digests/{digest}/locations — everywhere the digest is or was, in the environments the caller may see. */
export const GET = withPermission<{ digest: string }>(delegated("environment.view"), async ({ params, principal }) => {
  const digest = decodeURIComponent(params.digest);
  if (!/^sha(256|512):[0-9a-f]{64,128}$/.test(digest)) throw new UserFacingError("invalid request: digest must be sha256:<64 hex>", "invalid_input");
  const prisma = await getPrisma();
  const locations = await digestLocations(prisma, await visibleEnvironments(prisma, principal.grants), digest);
  return Response.json({
    locations: locations.map((l) => ({ environment: l.environment, repository: l.repository, tag: l.tag, since: l.since.toISOString(), ...(l.until ? { until: l.until.toISOString() } : {}) })),
  });
});
