import { withPermission } from "@/lib/auth/route";
import { parseRange, probesOverview } from "@/lib/probe/overview";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** GET /api/v1/probes?range=1h|24h|7d|30d — what the probes page shows, for the page's refresh and for automation. */
export const GET = withPermission<Record<string, never>>("probe.view", async ({ url }) => {
  return Response.json(await probesOverview(await getPrisma(), parseRange(url.searchParams.get("range"))));
});
