import { LRUCache } from "lru-cache";
import { onCatalogChanged } from "@/lib/inventory/changes";

/**
 * Registry reads are cached in-process. Content addressed by digest never changes, so it is kept
 * until evicted; names (catalog, tag lists, tag → digest) can move, so they live briefly and are
 * refreshed in the background while the stale value is served (pages stay fast after first load).
 */
export const NAME_TTL_MS = Number(process.env.DOCKMASTER_LIST_TTL_MS ?? 30_000);

type Loader<V> = () => Promise<V>;

export class ReadCache<V extends object> {
  private readonly lru: LRUCache<string, V, Loader<V>>;

  constructor(opts: { max: number; ttlMs?: number }) {
    this.lru = new LRUCache<string, V, Loader<V>>({
      max: opts.max,
      ...(opts.ttlMs ? { ttl: opts.ttlMs, allowStale: true, noDeleteOnFetchRejection: true } : {}),
      fetchMethod: async (_key, _stale, { context }) => context(),
    });
  }

  async get(key: string, load: Loader<V>): Promise<V> {
    const v = await this.lru.fetch(key, { context: load });
    if (v === undefined) throw new Error(`cache load for ${key} returned nothing`);
    return v;
  }

  delete(prefix: string) {
    for (const k of this.lru.keys()) if (k.startsWith(prefix)) this.lru.delete(k);
  }
}

const holder = globalThis as unknown as { __dmCaches?: Map<string, ReadCache<object>> };
const caches = (holder.__dmCaches ??= new Map());

export function namedCache<V extends object>(name: string, opts: { max: number; ttlMs?: number }): ReadCache<V> {
  let c = caches.get(name);
  if (!c) caches.set(name, (c = new ReadCache<object>(opts)));
  return c as ReadCache<V>;
}

/** Drops what is cached about one repository (after Dockmaster itself changed it, e.g. a promotion). */
export function forgetRepository(registry: string, repository: string) {
  for (const name of ["tags", "heads"]) caches.get(name)?.delete(`${registry}\u0000${repository}`);
  caches.get("catalog")?.delete(registry);
}

// a Docker Hub registry that learned a namespace lists more repositories now
onCatalogChanged("browse-cache", (registry) => forgetRepository(registry, ""));
