import { decide, type Grant } from "@/lib/auth/policy";
import { inNamespace } from "./repositories";

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
