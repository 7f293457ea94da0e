import { decide, type Grant } from "@/lib/auth/policy";
import { inNamespace, namespaceWithin } from "@/lib/inventory/namespace";

/**
 * Browsing a registry needs registry.view everywhere, or environment.view on an environment that
 * lives on it — then only that environment's namespace is visible. Returns the namespaces the caller
 * may see (null = all), or false when none.
 */
export function visibleNamespaces(grants: readonly Grant[], environments: { name: string; namespace: string }[]): string[] | null | false {
  if (decide(grants, "registry.view").allowed) return null;
  const mine = environments.filter((e) => decide(grants, "environment.view", { environment: e.name }).allowed).map((e) => e.namespace);
  return mine.length ? mine : false;
}

export function repositoryVisible(repo: string, namespaces: string[] | null): boolean {
  return namespaces === null || namespaces.some((ns) => inNamespace(repo, ns));
}

/**
 * A registry project (a Harbor project, say) is visible when it is one of the caller's namespaces or
 * lies under one, as repositories do, so a root-namespace ("") environment sees every project.
 */
export function projectVisible(name: string, namespaces: string[] | null): boolean {
  return namespaces === null || namespaces.some((ns) => namespaceWithin(name, ns));
}
