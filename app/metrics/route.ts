import { withPermission } from "@/lib/auth/route";
import { probeMetrics, refreshDbGauges } from "@/lib/probe/metrics";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * Prometheus text exposition. Scrape it with an API token that has the `metrics` scope
 * (Authorization: Bearer …; a `read` token is refused); a signed-in browser session works too.
 */
export const GET = withPermission<Record<string, never>>("metrics.view", async () => {
  await refreshDbGauges(await getPrisma());
  const { registry } = probeMetrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
});
