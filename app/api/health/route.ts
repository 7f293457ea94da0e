import { newRequestId } from "@/lib/error-contract";
import { checkHealth } from "@/lib/health";
import { logError } from "@/lib/log";
import { getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * Public on purpose: load balancers and uptime checks call it without credentials. It reveals
 * only the database kind and migration names, never locations, users or registry data.
 */
export async function GET() {
  try {
    const health = await checkHealth(await getRuntime());
    return Response.json(health, { status: health.status === "down" ? 503 : 200, headers: { "cache-control": "no-store" } });
  } catch (err) {
    // the reason names files, hosts and settings: the log gets it, a public caller only the id
    const requestId = newRequestId();
    logError(`[health] start-up failed (request id ${requestId}):`, err);
    return Response.json({ status: "down", error: `start-up failed (request id ${requestId})` }, { status: 503, headers: { "cache-control": "no-store" } });
  }
}
