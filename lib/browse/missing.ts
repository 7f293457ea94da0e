/**
 * What is missing when a registry answers 404 for a manifest, in the words of the page that asked:
 * "tag 9.9 does not exist in team/api", not the registry's error. Pure: the not-found pages, which
 * get no params, compute it in the browser from the address.
 */
export function missingReferenceMessage(repository: string, ref: string): string {
  const what = /^sha(256|512):/.test(ref) ? `digest ${ref}` : `tag ${ref}`;
  return `${what} does not exist in ${repository}`;
}

/**
 * The repository and reference of an artifact or scan address. Both kinds put the repository after
 * three segments: /registries/<registry>/artifacts/<repo…> and /scans/artifact/<registry>/<repo…>.
 * The reference defaults to "latest", as on the pages themselves.
 */
export function artifactAddress(pathname: string, ref: string | null): { registry: string; repository: string; ref: string } | null {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length < 4) return null;
  const registry = parts[0] === "registries" ? parts[1]! : parts[2]!;
  return { registry, repository: parts.slice(3).join("/"), ref: ref || "latest" };
}
