import type { ProbeContext } from "../context";
import type { ProbeOutcome, ProbeTargetSpec } from "../types";

/**
 * The configured credentials are accepted: an authenticated GET /v2/ on a provider with empty caches,
 * so every run performs the Basic check or the full token exchange instead of reusing a cached token.
 */
export async function credentials(target: ProbeTargetSpec, ctx: ProbeContext): Promise<Omit<ProbeOutcome, "latencyMs">> {
  const conn = await ctx.connection(target.registryName!);
  const provider = await ctx.provider(target.registryName!, { timeoutMs: target.timeoutMs, fresh: true });
  try {
    const ping = await provider.ping();
    return { ok: true, detail: { authScheme: ping.authScheme, credentials: conn.auth.kind } };
  } finally {
    await provider.close().catch(() => undefined);
  }
}
