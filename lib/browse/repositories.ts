import { collectPages, type Listing, type ListingLimits, type RegistryProvider, type Truncation } from "@/lib/registry";
import { NAME_TTL_MS, namedCache } from "./cache";
import { inNamespace } from "@/lib/inventory/namespace";

const catalogs = namedCache<Listing<string>>("catalog", { max: 200, ttlMs: NAME_TTL_MS });
const tagLists = namedCache<Listing<string>>("tags", { max: 20_000, ttlMs: NAME_TTL_MS });

const CATALOG_PAGE = 1000;

/**
 * The whole catalog, followed page by page through the registry's Link headers, cached briefly.
 * Bounded (lib/registry/transport/paging.ts): a registry that keeps answering "next" yields the first
 * pages and a `truncated` saying why. Limits apply when the listing is read, not when it is cached.
 */
export async function repositoryListing(p: RegistryProvider, limits: ListingLimits & { pageSize?: number } = {}): Promise<Listing<string>> {
  return catalogs.get(p.name, async () => {
    const listing = await collectPages((cursor) => p.listRepositories({ pageSize: limits.pageSize ?? CATALOG_PAGE, ...(cursor ? { cursor } : {}) }), limits);
    return { ...listing, items: listing.items.sort() };
  });
}

export async function allRepositories(p: RegistryProvider): Promise<string[]> {
  return (await repositoryListing(p)).items;
}

/** Every tag of a repository, bounded like the catalog. */
export async function tagListing(p: RegistryProvider, repo: string, limits: ListingLimits & { pageSize?: number } = {}): Promise<Listing<string>> {
  return tagLists.get(`${p.name}\u0000${repo}`, () => collectPages((cursor) => p.listTags(repo, { pageSize: limits.pageSize ?? CATALOG_PAGE, ...(cursor ? { cursor } : {}) }), limits));
}

export async function allTags(p: RegistryProvider, repo: string): Promise<string[]> {
  return (await tagListing(p, repo)).items;
}

export interface RepoQuery {
  /** only repositories under this path prefix (an environment's namespace) */
  namespace?: string;
  /** only repositories under one of these prefixes (what the caller may see) */
  namespaces?: string[];
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface RepoPage {
  items: string[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  /** the registry's catalog was not read to its end */
  truncated?: Truncation;
}

/** Server-side search and pagination over the cached catalog. */
export async function searchRepositories(p: RegistryProvider, query: RepoQuery = {}): Promise<RepoPage> {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 500);
  const q = query.q?.trim().toLowerCase();
  const { items: all, truncated } = await repositoryListing(p);
  const matched = all.filter(
    (r) => inNamespace(r, query.namespace) && (!query.namespaces || query.namespaces.some((ns) => inNamespace(r, ns))) && (!q || r.includes(q)),
  );
  const pageCount = Math.max(1, Math.ceil(matched.length / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pageCount);
  return { items: matched.slice((page - 1) * pageSize, page * pageSize), total: matched.length, page, pageCount, pageSize, ...(truncated ? { truncated } : {}) };
}
