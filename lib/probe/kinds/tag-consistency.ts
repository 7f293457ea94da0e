import { joinNamespace } from "@/lib/inventory/namespace";
import { RegistryError } from "@/lib/registry";
import type { ProbeContext } from "../context";
import type { ProbeOutcome, ProbeTargetSpec } from "../types";

const short = (d: string | null) => (d ? `${d.slice(0, 19)}…` : "missing");

/** A tag expected identical across environments resolves to the same digest in every one of them. */
export async function tagConsistency(target: ProbeTargetSpec, ctx: ProbeContext): Promise<Omit<ProbeOutcome, "latencyMs">> {
  const { environments = [], repository, tag } = target.params;
  if (!repository || !tag || environments.length < 2) throw new Error(`probe ${target.name}: tag_consistency needs repository, tag and two or more environments`);
  const found = await Promise.all(
    environments.map(async (name) => {
      const env = await ctx.environment(name);
      if (!env) throw new RegistryError({ kind: "not_found", message: `environment "${name}" is not configured (any more)` });
      const repo = joinNamespace(env.namespace, repository);
      const provider = await ctx.provider(env.registryName, { timeoutMs: target.timeoutMs });
      try {
        const head = await provider.headManifest(repo, tag);
        return { environment: name, repository: repo, digest: head?.digest ?? null };
      } catch (err) {
        if (err instanceof RegistryError) throw new RegistryError({ kind: err.kind, status: err.status, registry: err.registry, message: `${name}: ${err.message}` });
        throw err;
      }
    }),
  );
  const digests = new Set(found.map((f) => f.digest));
  const detail = { digests: Object.fromEntries(found.map((f) => [f.environment, f.digest])) };
  const missing = found.filter((f) => f.digest === null);
  if (missing.length) {
    return { ok: false, errorClass: "not_found", message: `${repository}:${tag} is missing in ${missing.map((m) => m.environment).join(", ")}`, detail };
  }
  if (digests.size > 1) {
    return { ok: false, errorClass: "mismatch", message: `${repository}:${tag} differs: ${found.map((f) => `${f.environment} ${short(f.digest)}`).join(", ")}`, detail };
  }
  return { ok: true, detail };
}
