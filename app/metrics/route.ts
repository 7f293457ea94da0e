import { withPermission } from "@/lib/auth/route";
import { probeMetrics, refreshDbGauges } from "@/lib/probe/metrics";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * Prometheus text exposition. Scrape it with an API token of an account that may view probes
 * (Authorization: Bearer …); a signed-in browser session works too.
 */
export const GET = withPermission<Record<string, never>>("probe.view", async () => {
  await refreshDbGauges(await getPrisma());
  const { registry } = probeMetrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
});
