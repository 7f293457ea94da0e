/**
 * Reads a page-numbered listing that the registry sorts newest first (Harbor artifacts by push time,
 * Docker Hub tags by last update), stopping after the page that reaches back past `since`: what
 * follows is older, so unchanged. The stop is trusted only while the listing is truly in that order;
 * one item newer than the one before it means the registry ignored the sort, and the listing is then
 * read to its end (complete, as without `since`).
 */
import { RegistryError } from "./errors";

export interface NumberedPage<T> {
  items: T[];
  more: boolean;
}

export async function readNewestFirst<T>(
  fetchPage: (page: number) => Promise<NumberedPage<T>>,
  o: { changedAt: (item: T) => string | undefined; since?: Date; maxPages: number; registry: string; what: string },
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let ordered = true;
  let previous = Number.POSITIVE_INFINITY;
  for (let page = 1; page <= o.maxPages; page++) {
    const got = await fetchPage(page);
    items.push(...got.items);
    for (const item of got.items) {
      const at = Date.parse(o.changedAt(item) ?? "");
      // an item without a time cannot be placed: nothing after it may be skipped
      if (!Number.isFinite(at) || at > previous) ordered = false;
      else previous = at;
    }
    if (!got.more) return { items, complete: true };
    if (o.since && ordered && got.items.length > 0 && previous < o.since.getTime()) return { items, complete: false };
  }
  throw new RegistryError({ kind: "bad_response", registry: o.registry, message: `registry ${o.registry} kept returning more pages of ${o.what}: stopped after ${o.maxPages} pages` });
}
