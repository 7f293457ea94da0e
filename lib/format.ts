export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

// Times: lib/time-format.ts (text in the person's zone) and components/ui/time.tsx (<Time>).

export function shortDigest(d: string): string {
  const [alg, hex] = d.split(":");
  return hex ? `${alg}:${hex.slice(0, 12)}` : d;
}

export function shortMediaType(m: string): string {
  const known: Record<string, string> = {
    "application/vnd.oci.image.index.v1+json": "OCI index",
    "application/vnd.oci.image.manifest.v1+json": "OCI manifest",
    "application/vnd.docker.distribution.manifest.list.v2+json": "Docker list",
    "application/vnd.docker.distribution.manifest.v2+json": "Docker v2",
  };
  return known[m] ?? m;
}

/** Repository paths are catch-all route segments: encode each part, keep the slashes. */
function repoPath(repo: string): string {
  return repo.split("/").map(encodeURIComponent).join("/");
}

/** The repository's tag list in the registry browser. */
export function repositoryHref(registry: string, repo: string): string {
  return `/registries/${encodeURIComponent(registry)}/repositories/${repoPath(repo)}`;
}

/** One artifact (by tag or digest) in the registry browser. */
export function artifactHref(registry: string, repo: string, ref: string): string {
  return `/registries/${encodeURIComponent(registry)}/artifacts/${repoPath(repo)}?ref=${encodeURIComponent(ref)}`;
}

/** The vulnerability report of one artifact (by tag or digest). */
export function scanHref(registry: string, repo: string, ref: string): string {
  return `/scans/artifact/${encodeURIComponent(registry)}/${repoPath(repo)}?ref=${encodeURIComponent(ref)}`;
}
