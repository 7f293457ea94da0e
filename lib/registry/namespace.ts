/**
 * Namespaces as registries spell them: a path prefix of repository names ("prod", "team/prod"),
 * where "" is the registry's root and holds every repository. Pure string rules, shared by the
 * providers that filter by namespace (ECR, Docker Hub) and by lib/inventory/namespace.ts, which adds
 * what environments mean on top; this is the one implementation of them.
 */

/** "prod/" and "prod" are the same namespace; "" (or "/") is the root. */
export function normalizeNamespace(namespace: string | undefined): string {
  return (namespace ?? "").replace(/\/+$/, "");
}

/** The repository `name` inside `namespace`: "prod" + "app" is "prod/app"; at the root it is "app". */
export function joinNamespace(namespace: string | undefined, name: string): string {
  const ns = normalizeNamespace(namespace);
  return ns ? `${ns}/${name}` : name;
}

/** Whether `repository` lies under `namespace` (every repository lies under the root). "prod" does not contain "production/app". */
export function inNamespace(repository: string, namespace: string | undefined): boolean {
  const ns = normalizeNamespace(namespace);
  return !ns || repository.startsWith(`${ns}/`);
}

/** `repository` without its `namespace` ("prod/app" in "prod" is "app"); null when it lies elsewhere. */
export function relativeName(repository: string, namespace: string | undefined): string | null {
  const ns = normalizeNamespace(namespace);
  if (!ns) return repository;
  return repository.startsWith(`${ns}/`) ? repository.slice(ns.length + 1) : null;
}

/** The first segment: the Docker Hub account or Harbor project a namespace lives in ("" at the root). */
export function topNamespace(namespace: string | undefined): string {
  return normalizeNamespace(namespace).split("/")[0] ?? "";
}
