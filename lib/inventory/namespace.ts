/**
 * What an environment's namespace means, in one place: an environment is a registry plus a namespace
 * (a Harbor project, an ECR repository prefix, a Docker Hub account, an OCI path prefix), and the
 * same relative name ("app") is "dev/app" in dev and "prod/app" in prod. The root namespace "" holds
 * every repository of its registry. The string rules themselves live in lib/registry/namespace.ts
 * (lib/registry may not import from here) and are re-used, not repeated.
 *
 * Layering: dependencies point downward only (lib/inventory/layering.test.ts checks the rules).
 *   app/, components/                    pages, server actions, route handlers
 *   lib/runtime.ts, lib/boot-on-start.ts, lib/app-config.ts
 *                                        wiring: start-up, the whole dockmaster.yaml, periodic maintenance
 *                                        (the one place that calls both probe and promotion)
 *   lib/probe, lib/promotion             features; neither imports the other
 *   lib/browse, lib/scan, lib/replication  reading registries for the UI, with caches
 *   lib/inventory                        registries and environments as stored: connections, namespaces
 *   lib/config, lib/auth, lib/audit, lib/db, lib/crypto
 *   lib/registry                         registry clients; imports nothing of the above but lib/errors (a leaf)
 * The one exception: request entry helpers (lib/auth/action.ts, lib/browse/page-access.ts,
 * lib/promotion/default-deps.ts) take the process's database from lib/runtime.ts's getPrisma().
 * A lower layer that must tell a higher one something (inventory: "this catalog changed") offers a
 * listener (see ./changes.ts) instead of importing it.
 */
import { inNamespace, joinNamespace, normalizeNamespace, relativeName, topNamespace } from "@/lib/registry/namespace";

export { inNamespace, joinNamespace, relativeName, topNamespace };

/**
 * The same relative name in another namespace: "dev/app" from "dev" to "prod" is "prod/app".
 * null when the repository lies outside `from` (it cannot be moved from there).
 */
export function mapRepository(repository: string, from: string, to: string): string | null {
  const rel = relativeName(repository, from);
  return rel === null ? null : joinNamespace(to, rel);
}

/**
 * Whether a registry-level namespace (a Harbor project, a Hub account) is `namespace` itself or lies
 * under it, as repositories do: the root sees every project, "prod" sees "prod" and "prod/sub".
 */
export function namespaceWithin(name: string, namespace: string): boolean {
  const ns = normalizeNamespace(namespace);
  return !ns || normalizeNamespace(name) === ns || inNamespace(name, ns);
}

/** The environment that holds `repository`: the one with the longest matching namespace, so "prod/eu" wins over "prod". */
export function environmentOf<E extends { namespace: string }>(repository: string, environments: readonly E[]): E | undefined {
  return environments
    .filter((e) => inNamespace(repository, e.namespace))
    .sort((a, b) => normalizeNamespace(b.namespace).length - normalizeNamespace(a.namespace).length)[0];
}
