import { credentialSource } from "@/lib/registry";
import { probeProvider, type ProbeContext } from "../context";
import type { ProbeOutcome, ProbeTargetSpec } from "../types";

/**
 * The configured credentials are accepted: an authenticated GET /v2/ on a provider with empty caches,
 * so every run performs the Basic check or the full token exchange instead of reusing a cached token.
 * Where the registry can silently treat rejected credentials as anonymous (Harbor), its own login
 * check runs first and such a fallback is a failure of its own class.
 */
export async function credentials(target: ProbeTargetSpec, ctx: ProbeContext): Promise<Omit<ProbeOutcome, "latencyMs">> {
  const conn = await ctx.connection(target.registryName!);
  // its own provider (closed below), not the shared one whose cached token would skip the check
  const provider = probeProvider(conn, target.timeoutMs);
  try {
    const login = await credentialSource(provider)?.verifyCredentials();
    if (login && !login.ok) return { ok: false, errorClass: login.reason, message: login.message, detail: { credentials: conn.auth.kind } };
    const ping = await provider.ping();
    return { ok: true, detail: { authScheme: ping.authScheme, credentials: conn.auth.kind } };
  } finally {
    await provider.close().catch(() => undefined);
  }
}
