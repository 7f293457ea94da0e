import type { RegistryProvider } from "@/lib/registry";
import { NAME_TTL_MS, namedCache } from "./cache";
import { inNamespace } from "@/lib/inventory/namespace";

const catalogs = namedCache<{ names: string[] }>("catalog", { max: 200, ttlMs: NAME_TTL_MS });
const tagLists = namedCache<{ tags: string[] }>("tags", { max: 20_000, ttlMs: NAME_TTL_MS });

const CATALOG_PAGE = 1000;

/** The whole catalog, followed page by page through the registry's Link headers, cached briefly. */
export async function allRepositories(p: RegistryProvider): Promise<string[]> {
  const { names } = await catalogs.get(p.name, async () => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await p.listRepositories({ pageSize: CATALOG_PAGE, cursor });
      out.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return { names: out.sort() };
  });
  return names;
}

export async function allTags(p: RegistryProvider, repo: string): Promise<string[]> {
  const { tags } = await tagLists.get(`${p.name}\u0000${repo}`, async () => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await p.listTags(repo, { pageSize: CATALOG_PAGE, cursor });
      out.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return { tags: out };
  });
  return tags;
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
}

/** Server-side search and pagination over the cached catalog. */
export async function searchRepositories(p: RegistryProvider, query: RepoQuery = {}): Promise<RepoPage> {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 500);
  const q = query.q?.trim().toLowerCase();
  const all = await allRepositories(p);
  const matched = all.filter(
    (r) => inNamespace(r, query.namespace) && (!query.namespaces || query.namespaces.some((ns) => inNamespace(r, ns))) && (!q || r.includes(q)),
  );
  const pageCount = Math.max(1, Math.ceil(matched.length / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pageCount);
  return { items: matched.slice((page - 1) * pageSize, page * pageSize), total: matched.length, page, pageCount, pageSize };
}
