import { z } from "zod";
import { probeProvider } from "../context";
import { defineProbeKind } from "./spec";

/**
 * The configured credentials are accepted: an authenticated GET /v2/ on a provider with empty caches,
 * so every run performs the Basic check or the full token exchange instead of reusing a cached token.
 */
export const credentials = defineProbeKind({
  kind: "credentials",
  label: "Credentials",
  registry: "required",
  params: z.strictObject({}),
  form: [],
  alerts: ["consecutive_failures", "p99_latency"],
  async run(target, _params, ctx) {
    const conn = await ctx.connection(target.registryName!);
    // its own provider (closed below), not the shared one whose cached token would skip the check
    const provider = probeProvider(conn, target.timeoutMs);
    try {
      const ping = await provider.ping();
      return { ok: true, detail: { authScheme: ping.authScheme, credentials: conn.auth.kind } };
    } finally {
      await provider.close().catch(() => undefined);
    }
  },
});
