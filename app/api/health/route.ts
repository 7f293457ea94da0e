import { checkHealth } from "@/lib/health";
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
    return Response.json({ status: "down", error: `start-up failed: ${(err as Error).message}` }, { status: 503 });
  }
}
