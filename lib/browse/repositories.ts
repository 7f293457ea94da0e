import type { RegistryProvider } from "@/lib/registry";
import { NAME_TTL_MS, namedCache } from "./cache";

/** `truncated`: the registry said it listed only part (e.g. Docker Hub past its page cap) */
const catalogs = namedCache<{ names: string[]; truncated?: boolean }>("catalog", { max: 200, ttlMs: NAME_TTL_MS });
const tagLists = namedCache<{ tags: string[] }>("tags", { max: 20_000, ttlMs: NAME_TTL_MS });

const CATALOG_PAGE = 1000;

/** The whole catalog, followed page by page through the registry's Link headers, cached briefly. */
export async function allRepositories(p: RegistryProvider): Promise<string[]> {
  return (await repositoryCatalog(p)).names;
}

async function repositoryCatalog(p: RegistryProvider): Promise<{ names: string[]; truncated?: boolean }> {
  return catalogs.get(p.name, async () => {
    const out: string[] = [];
    let truncated = false;
    let cursor: string | undefined;
    do {
      const page = await p.listRepositories({ pageSize: CATALOG_PAGE, cursor });
      out.push(...page.items);
      truncated ||= page.truncated === true;
      cursor = page.next;
    } while (cursor);
    return { names: out.sort(), ...(truncated ? { truncated } : {}) };
  });
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
  /** the registry listed only part of its repositories: there may be more than `total` */
  truncated?: boolean;
}

export function inNamespace(repo: string, namespace: string | undefined): boolean {
  return !namespace || repo.startsWith(`${namespace.replace(/\/+$/, "")}/`);
}

/** Server-side search and pagination over the cached catalog. */
export async function searchRepositories(p: RegistryProvider, query: RepoQuery = {}): Promise<RepoPage> {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 500);
  const q = query.q?.trim().toLowerCase();
  const { names: all, truncated } = await repositoryCatalog(p);
  const matched = all.filter(
    (r) => inNamespace(r, query.namespace) && (!query.namespaces || query.namespaces.some((ns) => inNamespace(r, ns))) && (!q || r.includes(q)),
  );
  const pageCount = Math.max(1, Math.ceil(matched.length / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pageCount);
  return { items: matched.slice((page - 1) * pageSize, page * pageSize), total: matched.length, page, pageCount, pageSize, ...(truncated ? { truncated } : {}) };
}
