import { z } from "zod";
import { joinNamespace } from "@/lib/inventory/namespace";
import { RegistryError } from "@/lib/registry";
import { defineProbeKind } from "./spec";

const short = (d: string | null) => (d ? `${d.slice(0, 19)}…` : "missing");

/** A tag expected identical across environments resolves to the same digest in every one of them. */
export const tagConsistency = defineProbeKind({
  kind: "tag_consistency",
  label: "Tag consistency",
  registry: "never",
  params: z.strictObject({
    environments: z.array(z.string()).min(2, "list at least two environments to compare").describe("the environments whose digests must match"),
    repository: z.string().min(1).describe("the repository, relative to each environment's namespace"),
    tag: z.string().min(1).describe("the tag expected identical everywhere"),
  }),
  form: [
    { name: "repository", label: "Repository (inside each environment's namespace)", placeholder: "app" },
    { name: "tag", label: "Tag", placeholder: "1.0.0" },
    { name: "environments", label: "Environments, comma-separated", input: "environments" },
  ],
  alerts: ["consecutive_failures"],
  async run(target, { environments, repository, tag }, ctx) {
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
  },
});
