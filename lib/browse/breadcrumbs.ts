/**
 * The breadcrumb trail of the browsing pages: registry › namespace › repository › tag › platform.
 * A namespace crumb opens the registry's repository list filtered to that path prefix.
 */
import { artifactHref, repositoryHref } from "@/lib/format";
import { repositoryUrl, tagUrl } from "@/lib/inventory/index/urls";

export interface Crumb {
  label: string;
  /** absent on the page's own crumb */
  href?: string;
}

export interface CrumbPlace {
  registry: string;
  repository?: string;
  /** a tag, or a digest when the page was opened by digest */
  ref?: string;
  /** the platform ("linux/arm64") of a platform manifest opened from its index */
  platform?: { label: string; digest: string };
  /** a page below the artifact (its scan report) */
  leaf?: string;
}

const registryHref = (registry: string, q?: string) => `/registries/${encodeURIComponent(registry)}${q ? `?${new URLSearchParams({ q })}` : ""}`;
const shortRef = (ref: string) => (ref.includes(":") ? `@${ref.slice(0, ref.indexOf(":") + 13)}` : ref);

export function browseCrumbs(place: CrumbPlace): Crumb[] {
  const crumbs: Crumb[] = [{ label: "Registries", href: "/registries" }, { label: place.registry, href: registryHref(place.registry) }];
  if (place.repository) {
    const parts = place.repository.split("/");
    // every path segment before the repository's own name is a namespace level
    for (let i = 0; i < parts.length - 1; i++) {
      const prefix = `${parts.slice(0, i + 1).join("/")}/`;
      crumbs.push({ label: parts[i]!, href: registryHref(place.registry, prefix) });
    }
    crumbs.push({ label: parts.at(-1)!, href: repositoryHref(place.registry, place.repository) });
    if (place.ref) crumbs.push({ label: shortRef(place.ref), href: artifactHref(place.registry, place.repository, place.ref) });
    if (place.ref && place.platform) crumbs.push({ label: place.platform.label, href: `${artifactHref(place.registry, place.repository, place.platform.digest)}` });
  }
  if (place.leaf) crumbs.push({ label: place.leaf });
  // the last crumb is the page itself: not a link
  const last = crumbs.at(-1)!;
  crumbs[crumbs.length - 1] = { label: last.label };
  return crumbs;
}

/** The index's pages: Environments › environment › repository › tag (the environment has no page of its own). */
export function indexCrumbs(place: { environment: string; repository: string; tag?: string }): Crumb[] {
  const crumbs: Crumb[] = [{ label: "Environments", href: "/" }, { label: place.environment }, { label: place.repository, href: repositoryUrl(place.environment, place.repository) }];
  if (place.tag) crumbs.push({ label: place.tag, href: tagUrl(place.environment, place.repository, place.tag) });
  const last = crumbs.at(-1)!;
  crumbs[crumbs.length - 1] = { label: last.label };
  return crumbs;
}
