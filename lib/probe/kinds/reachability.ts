import { z } from "zod";
import { isRegistryErrorKind, type RegistryProvider } from "@/lib/registry";
import { defineProbeKind } from "./spec";

/** The unauthenticated request path of OCI-based providers, when they expose it. */
interface PlainRequester {
  registryUrl: URL;
  sendPlain(req: { method: "GET"; url: URL; expect: number[]; what: string }): Promise<{ status: number; body: { resume(): unknown } }>;
}

function plainRequester(p: RegistryProvider): PlainRequester | undefined {
  const client = (p as { client?: Partial<PlainRequester> }).client;
  return client && typeof client.sendPlain === "function" && client.registryUrl ? (client as PlainRequester) : undefined;
}

/**
 * GET /v2/ answers 200 or 401 in time. A 401 counts as reachable: the registry is up and asking for
 * credentials, which the credentials probe checks on its own.
 */
export const reachability = defineProbeKind({
  kind: "reachability",
  label: "Reachability",
  registry: "required",
  params: z.strictObject({}),
  form: [],
  alerts: ["consecutive_failures", "p99_latency"],
  async run(target, _params, ctx) {
    const provider = await ctx.provider(target.registryName!, { timeoutMs: target.timeoutMs });
    const plain = plainRequester(provider);
    if (plain) {
      const res = await plain.sendPlain({ method: "GET", url: new URL("/v2/", plain.registryUrl), expect: [200, 401], what: "API root" });
      res.body.resume();
      return { ok: true, detail: { status: res.status } };
    }
    try {
      const ping = await provider.ping();
      return { ok: true, detail: { status: 200, authScheme: ping.authScheme } };
    } catch (err) {
      if (isRegistryErrorKind(err, "unauthorized") || isRegistryErrorKind(err, "forbidden")) return { ok: true, detail: { status: err.status ?? 401 } };
      throw err;
    }
  },
});
