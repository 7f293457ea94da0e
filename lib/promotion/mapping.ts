/**
 * Environments are namespaces: dev/app in "dev" becomes prod/app in "prod". A repository outside
 * the source namespace cannot be promoted from it.
 */
export function relativeName(repository: string, namespace: string): string | null {
  if (!namespace) return repository;
  const prefix = `${namespace.replace(/\/+$/, "")}/`;
  return repository.startsWith(prefix) ? repository.slice(prefix.length) : null;
}

export function targetRepositoryFor(sourceRepository: string, sourceNamespace: string, targetNamespace: string): string | null {
  const rel = relativeName(sourceRepository, sourceNamespace);
  if (rel === null) return null;
  return targetNamespace ? `${targetNamespace.replace(/\/+$/, "")}/${rel}` : rel;
}
